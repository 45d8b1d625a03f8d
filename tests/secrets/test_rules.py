"""The secret rule catalogue: every rule finds a fake of its documented format and no near-miss.

Samples are generated, never hard-coded: each template below is the issuer's documented shape
with ``{code:N}`` fields filled from the format's alphabet by a random generator seeded with
the rule's id. The same template yields two near-misses: every field turned into a placeholder
(``xxxx``, ``${DB_PASSWORD}``, a JWT without ``alg``) and every field cut short (or, for
checksummed tokens, a wrong checksum).
"""

from __future__ import annotations

import base64
import json
import random
import re
import re._constants as sre_constants
import re._parser as sre_parse
import string
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botwarden.secrets.rule import SecretRule
from botwarden.secrets.rules import FAMILIES, RULES, RULES_BY_ID, markdown_table
from botwarden.secrets.rules.generic import assigned_value
from botwarden.secrets.rules.validators import crc32_base62, placeholder

ALPHABETS = {
    "h": "0123456789abcdef",
    "A": string.ascii_uppercase + string.digits,
    "a": string.ascii_letters + string.digits,
    "b": string.ascii_letters + string.digits + "+/",
    "u": string.ascii_letters + string.digits + "_-",
    "d": string.digits,
    "l": string.ascii_letters,
    "s": string.ascii_lowercase + string.digits,
    "2": string.ascii_uppercase + "234567",
    "q": string.ascii_lowercase + "234567",
    "g": "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
}
_SYMBOLS = "!*-_+=.~^"
FIELD = re.compile(r"\{([A-Za-z0-9]+)(?::([^}]+))?\}")

# id -> one or more realistic samples (fakes generated from the documented format)
SAMPLES: dict[str, tuple[str, ...] | str] = {
    # cloud
    "aws-access-key-id": "aws_access_key_id = AKIA{2:16}",
    "aws-temporary-access-key-id": "AWS_ACCESS_KEY_ID=ASIA{2:16}",
    "aws-other-key-id": "key: ABIA{2:16}",
    "aws-secret-access-key": ("AWS_SECRET_ACCESS_KEY={b:40}", '"SecretAccessKey": "{b:40}"'),
    "aws-session-token": "aws_session_token = IQoJb3JpZ2luX2Vj{b:300}",
    "aws-mws-key": 'mws = "amzn.mws.{U}"',
    "aws-bedrock-api-key": "AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS{b:120}",
    "gcp-service-account-private-key": '{"type": "service_account", "private_key": "{PEMJ}"}',
    "gcp-api-key": "GOOGLE_API_KEY=AIza{u:35}",
    "gcp-oauth-client-secret": "client_secret: GOCSPX-{u:28}",
    "gcp-oauth-access-token": 'token = "ya29.{u:100}"',
    "gcp-oauth-refresh-token": '"refresh_token": "1//0{u:100}"',
    "firebase-cloud-messaging-key": "FCM_KEY=AAAA{u:7}:APA91b{u:134}",
    "azure-storage-account-key": "DefaultEndpointsProtocol=https;AccountName=acct;"
    "AccountKey={b:86}==;EndpointSuffix=core.windows.net",
    "azure-shared-access-key": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName="
    "RootManageSharedAccessKey;SharedAccessKey={b:43}=",
    "azure-sas-token": "https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl"
    "&se=2030-01-01T00:00:00Z&spr=https&sig={b:43}%3D",
    "azure-ad-client-secret": 'AZURE_CLIENT_SECRET="{a:3}8Q~{a:34}"',
    "azure-devops-pat": "AZDO_PAT={a:52}JQQJ9{a:19}AZDO{a:4}",
    "azure-devops-pat-legacy": "AZURE_DEVOPS_EXT_PAT={q:52}",
    "azure-storage-identifiable-key": 'key = "{b:76}+ASt{b:5}A=="',
    "azure-cosmosdb-identifiable-key": "COSMOS_KEY={b:76}ACDb{b:5}Q==",
    "azure-function-key": "x-functions-key: {u:44}AzFu{u:5}g==",
    "azure-search-admin-key": "api-key: {a:42}AzSeB{a:5}",
    "azure-container-registry-key": "ACR_PASSWORD={b:42}+ACR{a:6}",
    "azure-apim-key": "Ocp-Apim-Subscription-Key: {a:76}APIM{a:5}w==",
    "digitalocean-pat": "DIGITALOCEAN_TOKEN=dop_v1_{h:64}",
    "digitalocean-oauth-token": "token: doo_v1_{h:64}",
    "digitalocean-refresh-token": "refresh: dor_v1_{h:64}",
    "heroku-api-key": "HEROKU_API_KEY=HRKU-AA{u:58}",
    "heroku-api-key-legacy": "HEROKU_API_KEY={U}",
    "cloudflare-api-token": "CLOUDFLARE_API_TOKEN={u:40}",
    "cloudflare-global-api-key": "CLOUDFLARE_API_KEY={h:37}",
    "cloudflare-origin-ca-key": 'origin_ca_key = "v1.0-{h:24}-{h:146}"',
    "fastly-api-token": "FASTLY_API_TOKEN={u:32}",
    "netlify-pat": "NETLIFY_AUTH_TOKEN=nfp_{a:36}",
    "netlify-token-legacy": "NETLIFY_AUTH_TOKEN={u:43}",
    "vercel-token": "VERCEL_TOKEN={a:24}",
    "alibaba-access-key-id": "ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI{a:20}",
    "alibaba-access-key-secret": "ALIBABA_CLOUD_ACCESS_KEY_SECRET={a:30}",
    "tencent-secret-id": "TENCENTCLOUD_SECRET_ID=AKID{a:32}",
    "ibm-cloud-api-key": "IBMCLOUD_API_KEY={u:44}",
    "linode-token": "LINODE_TOKEN={h:64}",
    "scaleway-access-key": "SCW_ACCESS_KEY=SCW{A:17}",
    "scaleway-secret-key": "SCW_SECRET_KEY={U}",
    "hetzner-cloud-token": "HCLOUD_TOKEN={a:64}",
    "yandex-api-key": "YC_API_KEY=AQVN{u:36}",
    "yandex-iam-token": "IAM_TOKEN=t1.{u:60}.{u:86}",
    # vcs and ci
    "github-pat": "GITHUB_TOKEN={G:ghp}",
    "github-oauth-token": "token: {G:gho}",
    "github-user-to-server-token": "token: {G:ghu}",
    "github-server-to-server-token": "token: {G:ghs}",
    "github-refresh-token": "refresh_token={G:ghr}",
    "github-fine-grained-pat": "GITHUB_TOKEN=github_pat_{a:22}_{a:59}",
    "gitlab-pat": "GITLAB_TOKEN=glpat-{u:20}",
    "gitlab-deploy-token": "password: gldt-{u:20}",
    "gitlab-runner-token": "token = glrt-{u:20}",
    "gitlab-ci-build-token": "glcbt-{u:20}",
    "gitlab-feed-token": "feed_token=glft-{u:20}",
    "gitlab-incoming-mail-token": "glimt-{u:20}",
    "gitlab-agent-token": "glagent-{u:50}",
    "gitlab-scim-token": "glsoat-{u:20}",
    "gitlab-feature-flag-token": "glffct-{u:20}",
    "gitlab-pipeline-trigger-token": "TRIGGER=glptt-{h:40}",
    "gitlab-oauth-app-secret": "secret: gloas-{h:64}",
    "gitlab-runner-registration-token": "registration-token GR1348941{u:20}",
    "bitbucket-app-password": "BITBUCKET_APP_PASSWORD=ATBB{a:32}",
    "bitbucket-access-token": "token: ATCTT3xFfGN0{u:200}",
    "bitbucket-client-secret": "BITBUCKET_CLIENT_SECRET={a:32}",
    "circleci-personal-token": "CIRCLE_TOKEN=CCIPAT_{a:22}_{h:40}",
    "circleci-project-token": "CIRCLE_TOKEN=CCIPRJ_{a:22}_{h:40}",
    "circleci-token-legacy": "CIRCLECI_TOKEN={h:40}",
    "travis-ci-token": "TRAVIS_TOKEN={u:22}",
    "jenkins-api-token": "JENKINS_API_TOKEN={h:34}",
    "buildkite-agent-token": "BUILDKITE_API_TOKEN=bkua_{h:40}",
    "drone-ci-token": "DRONE_TOKEN={a:32}",
    "sourcegraph-access-token": "SRC_ACCESS_TOKEN=sgp_{h:16}_{h:40}",
    "harness-pat": "HARNESS_TOKEN=pat.{u:22}.{h:24}.{a:20}",
    "octopus-deploy-api-key": "OCTOPUS_API_KEY=API-{A:26}",
    # registries
    "npm-access-token": "//registry.npmjs.org/:_authToken={G:npm}",
    "pypi-upload-token": "password = pypi-AgEIcHlwaS5vcmc{u:150}",
    "testpypi-upload-token": "password = pypi-AgENdGVzdC5weXBpLm9yZw{u:150}",
    "rubygems-api-key": "GEM_HOST_API_KEY=rubygems_{h:48}",
    "nuget-api-key": "NUGET_API_KEY=oy2{s:43}",
    "dockerhub-pat": "DOCKER_PASSWORD=dckr_pat_{u:27}",
    "dockerhub-org-token": "DOCKER_TOKEN=dckr_oat_{u:32}",
    "crates-io-token": "CARGO_REGISTRY_TOKEN=cio{a:32}",
    "packagist-token": "token: packagist_out_{h:68}",
    "artifactory-api-key": "ARTIFACTORY_API_KEY=AKCp{a:69}",
    "artifactory-reference-token": "token: cmVmdGtu{a:56}",
    "clojars-token": "CLOJARS_{s:60}",
    "snyk-api-token": "SNYK_TOKEN={U}",
    "cloudsmith-api-key": "CLOUDSMITH_API_KEY={h:40}",
    # chat
    "slack-bot-token": "SLACK_BOT_TOKEN=xoxb-{d:11}-{d:13}-{a:24}",
    "slack-user-token": "token: xoxp-{d:11}-{d:11}-{d:13}-{h:32}",
    "slack-app-token": "SLACK_APP_TOKEN=xapp-1-{A:11}-{d:13}-{h:64}",
    "slack-config-token": "token: xoxe.xoxp-1-{a:166}",
    "slack-refresh-token": "refresh: xoxe-1-{a:146}",
    "slack-legacy-token": "token: xoxs-{d:11}-{d:11}-{a:32}",
    "slack-webhook-url": "https://hooks.slack.com/services/T{A:10}/B{A:10}/{a:24}",
    "discord-bot-token": "DISCORD_TOKEN=M{u:25}.{u:6}.{u:38}",
    "discord-webhook-url": "https://discord.com/api/webhooks/{d:19}/{u:68}",
    "telegram-bot-token": "TELEGRAM_BOT_TOKEN={d:10}:AA{u:33}",
    "microsoft-teams-webhook": "https://contoso.webhook.office.com/webhookb2/{U}@{U}"
    "/IncomingWebhook/{h:32}/{U}",
    "mattermost-token": "MATTERMOST_TOKEN={s:26}",
    "twitter-bearer-token": "TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAA{a:80}",
    "twitter-api-secret": "TWITTER_API_SECRET={a:50}",
    "facebook-access-token": "FB_TOKEN=EAA{a:180}",
    "facebook-app-secret": "FACEBOOK_APP_SECRET={h:32}",
    "line-channel-token": "LINE_CHANNEL_ACCESS_TOKEN={b:172}",
    "twitch-api-token": "TWITCH_OAUTH_TOKEN={s:30}",
    "zoom-client-secret": "ZOOM_CLIENT_SECRET={a:32}",
    # payments
    "stripe-secret-key": "STRIPE_SECRET_KEY=sk_live_{a:90}",
    "stripe-restricted-key": "STRIPE_KEY=rk_live_{a:90}",
    "stripe-test-secret-key": "STRIPE_KEY=sk_test_{a:90}",
    "stripe-webhook-secret": "STRIPE_WEBHOOK_SECRET=whsec_{a:32}",
    "braintree-access-token": "token = access_token$production${s:16}${h:32}",
    "braintree-private-key": "BRAINTREE_PRIVATE_KEY={h:32}",
    "paypal-client-secret": "PAYPAL_CLIENT_SECRET=E{u:79}",
    "square-access-token": "SQUARE_ACCESS_TOKEN=EAAA{u:60}",
    "square-legacy-access-token": "token: sq0atp-{u:22}",
    "square-oauth-secret": "secret: sq0csp-{u:43}",
    "shopify-admin-access-token": "SHOPIFY_TOKEN=shpat_{h:32}",
    "shopify-custom-app-token": "SHOPIFY_TOKEN=shpca_{h:32}",
    "shopify-private-app-token": "SHOPIFY_TOKEN=shppa_{h:32}",
    "shopify-shared-secret": "SHOPIFY_SECRET=shpss_{h:32}",
    "flutterwave-secret-key": "FLW_SECRET_KEY=FLWSECK-{h:32}-X",
    "plaid-secret": "PLAID_SECRET={h:30}",
    "plaid-access-token": "token: access-production-{U}",
    "razorpay-key-secret": "RAZORPAY_KEY_SECRET={a:24}",
    "gocardless-access-token": "GOCARDLESS_ACCESS_TOKEN=live_{u:40}",
    "mollie-api-key": "MOLLIE_API_KEY=live_{a:30}",
    "adyen-api-key": "ADYEN_API_KEY=AQE{a:3}{u:120}",
    "shippo-api-token": "SHIPPO_TOKEN=shippo_live_{h:40}",
    "easypost-api-key": "EASYPOST_API_KEY=EZAK{a:54}",
    "duffel-api-token": "DUFFEL_TOKEN=duffel_live_{u:43}",
    # llm
    "openai-api-key": "OPENAI_API_KEY=sk-{a:20}T3BlbkFJ{a:20}",
    "openai-project-key": "OPENAI_API_KEY=sk-proj-{u:74}T3BlbkFJ{u:74}",
    "openai-service-account-key": "OPENAI_API_KEY=sk-svcacct-{u:74}T3BlbkFJ{u:74}",
    "openai-admin-key": "OPENAI_ADMIN_KEY=sk-admin-{u:74}T3BlbkFJ{u:74}",
    "anthropic-api-key": "ANTHROPIC_API_KEY=sk-ant-api03-{u:93}AA",
    "anthropic-admin-key": "ANTHROPIC_ADMIN_KEY=sk-ant-admin01-{u:93}AA",
    "anthropic-oauth-token": "token: sk-ant-oat01-{u:95}",
    "huggingface-token": "HF_TOKEN=hf_{l:34}",
    "huggingface-org-token": "token = api_org_{l:34}",
    "cohere-api-key": "COHERE_API_KEY={a:40}",
    "replicate-api-token": "REPLICATE_API_TOKEN=r8_{a:37}",
    "google-gemini-api-key": "GEMINI_API_KEY=AIza{u:35}",
    "groq-api-key": "GROQ_API_KEY=gsk_{a:52}",
    "mistral-api-key": "MISTRAL_API_KEY={a:32}",
    "perplexity-api-key": "PERPLEXITY_API_KEY=pplx-{a:48}",
    "xai-api-key": "XAI_API_KEY=xai-{a:80}",
    "openrouter-api-key": "OPENROUTER_API_KEY=sk-or-v1-{h:64}",
    "deepseek-api-key": "DEEPSEEK_API_KEY=sk-{h:32}",
    "together-api-key": "TOGETHER_API_KEY=tgp_v1_{u:43}",
    "fireworks-api-key": "FIREWORKS_API_KEY=fw_{a:24}",
    "langsmith-api-key": "LANGSMITH_API_KEY=lsv2_pt_{h:32}_{h:10}",
    "langfuse-secret-key": "LANGFUSE_SECRET_KEY=sk-lf-{U}",
    "pinecone-api-key": "PINECONE_API_KEY=pcsk_{a:5}_{a:63}",
    "wandb-api-key": "WANDB_API_KEY={h:40}",
    "elevenlabs-api-key": "ELEVENLABS_API_KEY=sk_{h:48}",
    "assemblyai-api-key": "ASSEMBLYAI_API_KEY={h:32}",
    "deepgram-api-key": "DEEPGRAM_API_KEY={h:40}",
    "cerebras-api-key": "CEREBRAS_API_KEY=csk-{s:48}",
    "azure-openai-key": "AZURE_OPENAI_API_KEY={h:32}",
    "stability-api-key": "STABILITY_API_KEY=sk-{a:48}",
    "voyage-api-key": "VOYAGE_API_KEY=pa-{u:43}",
    # saas
    "sendgrid-api-key": "SENDGRID_API_KEY=SG.{u:22}.{u:43}",
    "twilio-auth-token": "TWILIO_AUTH_TOKEN={h:32}",
    "twilio-api-secret": "TWILIO_API_SECRET={a:32}",
    "mailgun-api-key-legacy": "MAILGUN_API_KEY=key-{h:32}",
    "mailgun-api-key": "MAILGUN_API_KEY={h:32}-{h:8}-{h:8}",
    "mailchimp-api-key": "MAILCHIMP_API_KEY={h:32}-us21",
    "mandrill-api-key": "MANDRILL_API_KEY=md-{u:22}",
    "postmark-server-token": "POSTMARK_SERVER_TOKEN={U}",
    "brevo-api-key": "BREVO_API_KEY=xkeysib-{h:64}-{a:16}",
    "brevo-smtp-key": "SMTP_KEY=xsmtpsib-{h:64}-{a:16}",
    "resend-api-key": "RESEND_API_KEY=re_{a:8}_{a:24}",
    "datadog-api-key": "DD_API_KEY={h:32}",
    "datadog-app-key": "DD_APP_KEY={h:40}",
    "newrelic-user-api-key": "NEW_RELIC_API_KEY=NRAK-{A:27}",
    "newrelic-license-key": "NEW_RELIC_LICENSE_KEY={h:36}NRAL",
    "newrelic-browser-key": "key: NRJS-{h:19}",
    "grafana-cloud-token": "GRAFANA_TOKEN=glc_{a:100}",
    "grafana-service-account-token": "GRAFANA_TOKEN=glsa_{a:32}_{h:8}",
    "grafana-api-key-legacy": "GRAFANA_API_KEY=eyJrIjoi{a:80}",
    "pagerduty-api-key": "PAGERDUTY_API_KEY=u+{u:20}",
    "sentry-org-token": "SENTRY_AUTH_TOKEN=sntrys_eyJ{a:150}",
    "sentry-user-token": "SENTRY_AUTH_TOKEN=sntryu_{h:64}",
    "dynatrace-api-token": "DT_API_TOKEN=dt0c01.{A:24}.{A:64}",
    "honeycomb-api-key": "HONEYCOMB_API_KEY={a:22}",
    "logzio-token": "LOGZIO_TOKEN={l:32}",
    "okta-api-token": "OKTA_API_TOKEN=00{u:40}",
    "auth0-client-secret": "AUTH0_CLIENT_SECRET={u:64}",
    "atlassian-api-token": "JIRA_TOKEN=ATATT3{u:186}",
    "atlassian-api-token-legacy": "JIRA_API_TOKEN={a:24}",
    "1password-service-account-token": "OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ{u:400}",
    "1password-secret-key": "secret key: A3-{A:6}-{A:11}-{A:5}-{A:5}-{A:5}",
    "vault-service-token": "VAULT_TOKEN=hvs.{u:95}",
    "vault-batch-token": "VAULT_TOKEN=hvb.{u:150}",
    "vault-service-token-legacy": "VAULT_TOKEN=s.{a:24}",
    "terraform-cloud-token": "TFE_TOKEN={a:14}.atlasv1.{u:67}",
    "doppler-personal-token": "DOPPLER_TOKEN=dp.pt.{a:43}",
    "doppler-service-token": "DOPPLER_TOKEN=dp.st.{a:43}",
    "doppler-service-account-token": "DOPPLER_TOKEN=dp.sa.{a:43}",
    "doppler-cli-token": "DOPPLER_TOKEN=dp.ct.{a:43}",
    "doppler-scim-token": "DOPPLER_TOKEN=dp.scim.{a:43}",
    "doppler-audit-token": "DOPPLER_TOKEN=dp.audit.{a:43}",
    "pulumi-access-token": "PULUMI_ACCESS_TOKEN=pul-{h:40}",
    "infisical-token": "INFISICAL_TOKEN=st.{h:24}.{h:32}.{h:32}",
    "linear-api-key": "LINEAR_API_KEY=lin_api_{a:40}",
    "linear-oauth-token": "token: lin_oauth_{h:64}",
    "notion-integration-token": "NOTION_TOKEN=secret_{a:43}",
    "notion-api-token": "NOTION_TOKEN=ntn_{d:11}{a:35}",
    "airtable-pat": "AIRTABLE_TOKEN=pat{a:14}.{h:64}",
    "asana-pat": "ASANA_TOKEN=2/{d:16}/{d:16}:{h:32}",
    "dropbox-short-lived-token": "DROPBOX_TOKEN=sl.{u:140}",
    "figma-pat": "FIGMA_TOKEN=figd_{u:40}",
    "typeform-pat": "TYPEFORM_TOKEN=tfp_{u:44}_{u:14}",
    "postman-api-key": "POSTMAN_API_KEY=PMAK-{h:24}-{h:34}",
    "contentful-pat": "CONTENTFUL_TOKEN=CFPAT-{u:43}",
    "databricks-token": "DATABRICKS_TOKEN=dapi{h:32}",
    "supabase-access-token": "SUPABASE_ACCESS_TOKEN=sbp_{h:40}",
    "supabase-secret-key": "SUPABASE_KEY=sb_secret_{u:31}",
    "prefect-api-key": "PREFECT_API_KEY=pnu_{a:36}",
    "planetscale-token": "PLANETSCALE_TOKEN=pscale_tkn_{u:43}",
    "flyio-token": "FLY_API_TOKEN=fo1_{u:43}",
    "render-api-key": "RENDER_API_KEY=rnd_{a:32}",
    "mapbox-secret-token": "MAPBOX_TOKEN=sk.eyJ{u:80}.{u:22}",
    "hubspot-private-app-token": "HUBSPOT_TOKEN=pat-na1-{U}",
    "clickup-api-token": "CLICKUP_TOKEN=pk_{d:8}_{A:32}",
    "adafruit-io-key": "ADAFRUIT_IO_KEY=aio_{a:28}",
    "readme-api-key": "README_API_KEY=rdme_{s:70}",
    "frameio-api-token": "FRAMEIO_TOKEN=fio-u-{u:64}",
    "infracost-api-key": "INFRACOST_API_KEY=ico-{a:32}",
    "scalingo-api-token": "SCALINGO_TOKEN=tk-us-{u:48}",
    "algolia-admin-key": "ALGOLIA_ADMIN_KEY={h:32}",
    "trello-api-token": "TRELLO_TOKEN=ATTA{h:64}",
    "zendesk-api-token": "ZENDESK_API_TOKEN={a:40}",
    "intercom-access-token": "INTERCOM_ACCESS_TOKEN=dG9rOj{a:60}",
    "confluent-api-secret": "CONFLUENT_API_SECRET={b:64}",
    # private keys
    "private-key-rsa": "{PEM:RSA PRIVATE KEY}",
    "private-key-ec": "{PEM:EC PRIVATE KEY}",
    "private-key-dsa": "{PEM:DSA PRIVATE KEY}",
    "private-key-openssh": "{PEM:OPENSSH PRIVATE KEY}",
    "private-key-pkcs8": ("{PEM:PRIVATE KEY}", '{"key": "{PEMJ}"}'),
    "private-key-pkcs8-encrypted": "{PEM:ENCRYPTED PRIVATE KEY}",
    "private-key-pgp": "{PEM:PGP PRIVATE KEY BLOCK}",
    "private-key-ssh2-encrypted": "{PEM:SSH2 ENCRYPTED PRIVATE KEY}",
    "private-key-putty": "{PUTTY}",
    "age-secret-key": "# created: 2025-01-01\nAGE-SECRET-KEY-1{g:58}",
    "wireguard-private-key": "[Interface]\nPrivateKey = {b:42}A=\nListenPort = 51820",
    "minisign-secret-key": "untrusted comment: minisign encrypted secret key\nRWRTY0Iy{b:150}",
    # tokens
    "jwt": "Authorization: {JWT}",
    "http-basic-auth-header": "Authorization: Basic {BASIC}",
    "http-bearer-token": "headers = {'Authorization': 'Bearer {u:40}'}",
    # connection strings
    "postgres-url-password": "DATABASE_URL=postgres://app:{P}@db.internal:5432/app",
    "mysql-url-password": "url = mysql+pymysql://root:{P}@mysql:3306/shop",
    "mongodb-url-password": "MONGO_URI=mongodb+srv://bot:{P}@cluster0.ab1cd.mongodb.net/db",
    "redis-url-password": "REDIS_URL=rediss://:{P}@cache.internal:6380/0",
    "amqp-url-password": "BROKER_URL=amqp://worker:{P}@rabbit:5672/vhost",
    "mssql-url-password": "url: mssql://sa:{P}@sql.internal:1433/app",
    "clickhouse-url-password": "CLICKHOUSE_URL=clickhouse://default:{P}@ch:9000/db",
    "ldap-url-password": "LDAP_URI=ldaps://svc-bot:{P}@ldap.corp.internal",
    "ftp-url-password": "mirror = sftp://deploy:{P}@files.internal/upload",
    "smtp-url-password": "EMAIL_URL=smtps://mailer:{P}@smtp.internal:465",
    "basic-auth-url": "git clone https://deploy:{P}@git.internal.corp/team/repo.git",
    "jdbc-password": "jdbc:postgresql://db:5432/app?user=app&password={P}",
    "ado-connection-string-password": "Server=tcp:db.database.windows.net,1433;Database=app;"
    "User ID=app;Password={P};Encrypt=True",
    # generic assignments
    "generic-password": (
        'password = "{P}"',
        "DB_PASSWORD={P}",
        '"dbPassword": "{P}",',
        "passwd: '{P}'",
        'export PGPASSWORD="{P}"',
        "pwd={P}",
        '    "db_password = \\"{P}\\"\\n",',
    ),
    "generic-secret": ('client_secret: "{P}"', "SECRET_KEY={P}"),
    "generic-api-key": (
        'api_key = "{a:32}"',
        "X-Api-Key: {a:32}",
        "APIKEY={a:32}",
        "api-key: {a:32}",
        "api.key={a:32}",
    ),
    "generic-token": ("access_token: {a:40}", '"authToken": "{u:40}"'),
    "generic-key": (
        "SIGNING_KEY={a:44}",
        'encryptionKey = "{a:44}"',
        "master_key: {a:44}",
        "private-key={a:44}",
        "accessKey={a:44}",
        "auth.key = {a:44}",
    ),
    "dockerfile-env-secret": "FROM python:3.12\nENV API_TOKEN {P}\n",
    "kubernetes-env-secret": (
        'env:\n  - name: FEEDLY_TOKEN\n    value: "{a:40}"\n',
        "- name: DB_PASSWORD\n  value: {a:32}\n",
    ),
}


def _random_password(rng: random.Random) -> str:
    parts = [
        rng.choice(string.ascii_lowercase),
        rng.choice(string.ascii_uppercase),
        rng.choice(string.digits),
        rng.choice(_SYMBOLS),
    ]
    parts += [rng.choice(string.ascii_letters + string.digits + _SYMBOLS) for _ in range(12)]
    rng.shuffle(parts)
    return "".join(parts)


def _crc_token(prefix: str, rng: random.Random, mode: str) -> str:
    body = "".join(rng.choice(ALPHABETS["a"]) for _ in range(30))
    if mode == "placeholder":
        return f"{prefix}_" + "x" * 36
    crc, check = zlib.crc32(body.encode()), ""
    digits = string.digits + string.ascii_uppercase + string.ascii_lowercase
    while crc:
        crc, rest = divmod(crc, 62)
        check = digits[rest] + check
    check = check.rjust(6, "0")
    if mode == "short":  # right shape, wrong checksum
        check = check[1:] + ("A" if check[0] != "A" else "B")
    return f"{prefix}_{body}{check}"


def _b64_lines(rng: random.Random, count: int, mode: str) -> list[str]:
    if mode == "placeholder":
        return ["x" * 64] * count
    width = 16 if mode == "short" else 64
    lines = ["".join(rng.choice(ALPHABETS["b"]) for _ in range(width)) for _ in range(count)]
    return lines[:1] if mode == "short" else lines


def _pem(label: str, rng: random.Random, mode: str) -> str:
    body = "\n".join(_b64_lines(rng, 12, mode))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


def _putty(rng: random.Random, mode: str) -> str:
    public = "\n".join(_b64_lines(rng, 2, "real"))
    private = "\n".join(_b64_lines(rng, 6, mode))
    return (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: bot@host\n"
        f"Public-Lines: 2\n{public}\nPrivate-Lines: 6\n{private}\nPrivate-MAC: 0a1b\n"
    )


def _b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _jwt(rng: random.Random, mode: str) -> str:
    header = {"alg": "HS256", "typ": "JWT"} if mode == "real" else {"typ": "JWT"}
    payload = {"sub": str(rng.randrange(10**9)), "iat": 1700000000, "scope": "read"}
    signature = "".join(rng.choice(ALPHABETS["u"]) for _ in range(43))
    token = f"{_b64url(header)}.{_b64url(payload)}.{signature}"
    return token.split(".", 1)[0] if mode == "short" else token


def _fill(template: str, rng: random.Random, mode: str = "real") -> str:
    def field(match: re.Match[str]) -> str:
        code, arg = match.group(1), match.group(2)
        if code == "U":
            text = "-".join(
                "".join(rng.choice(ALPHABETS["h"]) for _ in range(n)) for n in (8, 4, 4, 4, 12)
            )
            return {
                "real": text,
                "placeholder": "00000000-0000-0000-0000-000000000000",
                "short": text[:8],
            }[mode]
        if code == "P":
            return {"real": _random_password(rng), "placeholder": "${DB_PASSWORD}", "short": "a1"}[
                mode
            ]
        if code == "G":
            return _crc_token(arg, rng, mode)
        if code == "PEM":
            return _pem(arg, rng, mode)
        if code == "PEMJ":
            return _pem("PRIVATE KEY", rng, mode).replace("\n", "\\n")
        if code == "PUTTY":
            return _putty(rng, mode)
        if code == "JWT":
            return _jwt(rng, mode)
        if code == "BASIC":
            creds = {
                "real": f"bot:{_random_password(rng)}",
                "placeholder": "user:changeme",
                "short": "u:p",
            }[mode]
            return base64.b64encode(creds.encode()).decode()
        size = int(arg)
        if mode == "placeholder":
            return ("0" if code == "d" else "X" if code in "2Ag" else "x") * size
        if mode == "short":
            size = max(1, size // 4)
        return "".join(rng.choice(ALPHABETS[code]) for _ in range(size))

    # PEMJ, PUTTY, JWT, BASIC, U, P carry no ":" argument
    return FIELD.sub(field, template)


def _samples(rule_id: str) -> tuple[str, ...]:
    value = SAMPLES[rule_id]
    return (value,) if isinstance(value, str) else value


def _rng(rule_id: str, index: int) -> random.Random:
    return random.Random(zlib.crc32(f"{rule_id}/{index}".encode()))


def _accepted(rule: SecretRule, text: str) -> list[re.Match[str]]:
    return [m for m in rule.pattern.finditer(text) if rule.accepts(m.group("secret"))]


CASES = [(rule.id, i) for rule in RULES for i in range(len(_samples(rule.id)))]


# -- the catalogue as a whole -------------------------------------------------------------


def test_at_least_150_kinds_with_unique_ids() -> None:
    assert len(RULES) >= 150
    assert len({rule.id for rule in RULES}) == len(RULES)
    assert set(RULES_BY_ID) == {rule.id for rule in RULES}
    assert sum(len(rules) for rules in FAMILIES.values()) == len(RULES)


def test_every_rule_has_a_sample() -> None:
    assert set(SAMPLES) == set(RULES_BY_ID)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_shape(rule: SecretRule) -> None:
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule.id)
    assert rule.keywords and all(k == k.lower() and k for k in rule.keywords)
    assert "secret" in rule.pattern.groupindex
    assert rule.reference.startswith("https://")
    assert rule.name and rule.tags


# -- positives and near-misses --------------------------------------------------------------


@pytest.mark.parametrize(("rule_id", "index"), CASES)
def test_finds_a_fake_of_the_documented_format(rule_id: str, index: int) -> None:
    rule = RULES_BY_ID[rule_id]
    text = _fill(_samples(rule_id)[index], _rng(rule_id, index))
    assert any(k in text.lower() for k in rule.keywords), "the pre-filter would skip it"
    found = _accepted(rule, text)
    assert found, f"{rule_id} misses {text[:60]!r}"
    # the keyword is part of what matched, so the pre-filter never hides a match
    assert all(any(k in m.group(0).lower() for k in rule.keywords) for m in found)


@pytest.mark.parametrize(("rule_id", "index"), CASES)
@pytest.mark.parametrize("mode", ["placeholder", "short"])
def test_ignores_near_misses(rule_id: str, index: int, mode: str) -> None:
    rule = RULES_BY_ID[rule_id]
    text = _fill(_samples(rule_id)[index], _rng(rule_id, index), mode)
    assert not _accepted(rule, text), f"{rule_id} takes the {mode} near-miss {text[:70]!r}"


@pytest.mark.parametrize("rule", [r for r in RULES if r.examples], ids=lambda r: r.id)
def test_documented_examples_are_not_reported(rule: SecretRule) -> None:
    for example in rule.examples:
        assert not rule.accepts(example)


def test_aws_documented_examples_match_but_are_not_reported() -> None:
    key_id, secret = RULES_BY_ID["aws-access-key-id"], RULES_BY_ID["aws-secret-access-key"]
    text = "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
    text += "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    assert key_id.pattern.search(text) and secret.pattern.search(text)
    assert not _accepted(key_id, text) and not _accepted(secret, text)
    assert secret.pair == "aws-access-key-id"


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ('password = "changeme"', False),
        ('password = "Xk9$mQ2#vL7pR4wZ"', True),
        ('password = "YOUR_API_KEY"', False),
        ("password: <token>", False),
        ("password: ${VAR}", False),
        ('api_key = "xxxxxxxxxxxxxxxxxxxx"', False),
        ('token = "P@ssw0rd!"', False),
        ("password = os.environ['DB_PASSWORD']", False),
        ("password = get_password()", False),
        ("password: !vault |", False),
        ('password = "/run/secrets/db_password"', False),
        ('token_url = "https://auth.internal/oauth/token"', False),
        ('tokenizer = "gpt2-tokenizer-v1.5"', False),
        ("passwordless = Xk9$mQ2#vL7pR4wZ", False),
        ("max_tokens = 4096", False),
        ('secret = "1234567890123456"', False),
        ('DB_PASSWORD="Xk9$mQ2#vL7pR4wZ"', True),
        ('token = "4f9c2e7a1b3d5f8e0a6c4b2d9e7f1a3c"', True),
    ],
)
def test_generic_assignments(text: str, reported: bool) -> None:
    rules = [r for r in RULES if r.id.startswith("generic-")]
    assert any(_accepted(rule, text) for rule in rules) is reported


@pytest.mark.parametrize(
    "value",
    [
        "YOUR_API_KEY",
        "<token>",
        "${VAR}",
        "{{ token }}",
        "xxxx-xxxx",
        "changeme",
        "Ch4ngeMe!",
        "%(password)s",
        "***",
        "process.env.TOKEN",
        "vault:kv/x#y",
    ],
)
def test_placeholders(value: str) -> None:
    assert placeholder(value)
    assert not assigned_value(value)


def test_github_checksum() -> None:
    rng = random.Random(7)
    good = _crc_token("ghp", rng, "real")
    assert crc32_base62(good)
    assert not crc32_base62(good[:-1] + ("A" if good[-1] != "A" else "B"))
    assert not crc32_base62("ghp_16C7e42F292c6912E7710c838347Ae178B4a")  # GitHub's docs example


# -- look-alikes that no specific rule may take ------------------------------------------------

DECOYS = [
    "commit {h:40}",
    "sha1: {h:40}",
    "sha256:{h:64}",
    "digest = {h:64}",
    'etag: "{h:32}"',
    "md5sum {h:32}  archive.tar.gz",
    '"integrity": "sha512-{b:86}=="',
    "integrity sha1-{b:27}=",
    "id: {U}",
    "request_id={U}",
    '<img src="data:image/png;base64,{b:1200}=="/>',
    "font: url(data:font/woff2;base64,{b:800})",
    "{b:76}\n{b:76}\n{b:76}",
    '"resolved": "https://registry.npmjs.org/x/-/x-1.0.0.tgz#{h:40}"',
    "version: 1.2.3-rc.{d:8}+build.{h:12}",
    "colour: #{h:6}; background: #{h:6}",
    "hash: {s:52}",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{b:43} user@host",
    "-----BEGIN CERTIFICATE-----\n{b:64}\n{b:64}\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\n{b:64}\n{b:64}\n-----END PUBLIC KEY-----",
]


def _specific(rule: SecretRule) -> bool:
    return not rule.id.startswith("generic-") and rule.id not in (
        "dockerfile-env-secret",
        "kubernetes-env-secret",
    )


@pytest.mark.parametrize("decoy", DECOYS)
def test_hashes_uuids_integrity_and_images_are_not_secrets(decoy: str) -> None:
    for seed in range(5):
        text = _fill(decoy, random.Random(seed))
        taken = [r.id for r in RULES if _specific(r) and _accepted(r, text)]
        assert not taken, f"{taken} take {text[:60]!r}"


# -- linear-time patterns ----------------------------------------------------------------------

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}


def _repeats(tree: object, outer: int, rule_id: str) -> None:
    """No unbounded quantifier; a quantified group inside another repeats at most 40 times."""
    for op, arg in tree:  # type: ignore[attr-defined]
        if op in _REPEATS:
            _low, high, sub = arg
            assert high != sre_constants.MAXREPEAT, f"{rule_id}: unbounded quantifier"
            if outer > 1:
                assert high <= 16000 and outer <= 40, f"{rule_id}: nested repeats"
            _repeats(sub, high if high > 1 else outer, rule_id)
        elif op == sre_constants.SUBPATTERN:
            _repeats(arg[-1], outer, rule_id)
        elif op == sre_constants.BRANCH:
            for branch in arg[1]:
                _repeats(branch, outer, rule_id)
        elif op in {sre_constants.ASSERT, sre_constants.ASSERT_NOT}:
            _repeats(arg[1], outer, rule_id)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_patterns_are_linear_by_construction(rule: SecretRule) -> None:
    _repeats(sre_parse.parse(rule.pattern.pattern, rule.pattern.flags), 1, rule.id)


_TEXT_ALPHABET = string.ascii_letters + string.digits + "_-+/=.:@$\"' \n\\%&;~"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=len(RULES) - 1),
    filler=st.text(alphabet=_TEXT_ALPHABET, max_size=400),
    repeat=st.integers(min_value=1, max_value=8),
)
def test_patterns_complete_on_random_text(index: int, filler: str, repeat: int) -> None:
    rule = RULES[index]
    # keywords glued to long runs of the rule's own alphabet are the worst case for backtracking
    text = "".join(f"{k}{filler}" for k in rule.keywords) * repeat
    matches = list(rule.pattern.finditer(text[:4000]))
    assert all(isinstance(m.group("secret"), str) for m in matches)


# -- documentation -----------------------------------------------------------------------------


def test_docs_table_is_current() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "secret-rules.md"
    assert markdown_table() in docs.read_text(encoding="utf-8"), (
        "regenerate the table: python -m botwarden.secrets.rules"
    )
