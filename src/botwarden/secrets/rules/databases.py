"""Connection strings and URLs that carry a password: ``scheme://user:password@host``.

The secret is the password alone (the user and host are kept out of the evidence). URL
passwords are chosen by people, so the check is not entropy but "not a placeholder and not a
well-known default": ``postgres://app:${DB_PASSWORD}@db`` and ``redis://:password@localhost``
are not reported.
"""

from __future__ import annotations

import re

from botwarden.findings import Severity
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.rules.validators import url_password

_T = ("database",)
# user (may be empty, as in redis://:pass@host), password, then @ and a host
_USERINFO = r"://[^:@/\s\"'<>`]{0,64}:(?P<secret>[^@/\s\"'<>`]{1,128})@[A-Za-z0-9_.\[\]-]{1,255}"


def _url(
    rid: str,
    name: str,
    schemes: str,
    keywords: tuple[str, ...],
    reference: str,
    *,
    severity: Severity = Severity.HIGH,
    tags: tuple[str, ...] = _T,
) -> SecretRule:
    return SecretRule(
        id=rid,
        name=name,
        keywords=keywords,
        pattern=re.compile(f"(?<![A-Za-z0-9+.-])(?i:{schemes}){_USERINFO}"),
        severity=severity,
        validate=url_password,
        reference=reference,
        tags=tags,
    )


RULES = (
    _url(
        "postgres-url-password",
        "PostgreSQL URL with a password",
        r"postgres(?:ql)?(?:\+[a-z0-9]{1,16})?",
        ("postgres",),
        "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS",
    ),
    _url(
        "mysql-url-password",
        "MySQL / MariaDB URL with a password",
        r"(?:mysql|mariadb)(?:\+[a-z0-9]{1,16})?",
        ("mysql", "mariadb"),
        "https://dev.mysql.com/doc/refman/8.0/en/connecting-using-uri-or-key-value-pairs.html",
    ),
    _url(
        "mongodb-url-password",
        "MongoDB URL with a password",
        r"mongodb(?:\+srv)?",
        ("mongodb",),
        "https://www.mongodb.com/docs/manual/reference/connection-string/",
    ),
    _url(
        "redis-url-password",
        "Redis URL with a password",
        r"rediss?",
        ("redis",),
        "https://www.iana.org/assignments/uri-schemes/prov/redis",
    ),
    _url(
        "amqp-url-password",
        "AMQP (RabbitMQ) URL with a password",
        r"amqps?",
        ("amqp",),
        "https://www.rabbitmq.com/docs/uri-spec",
    ),
    _url(
        "mssql-url-password",
        "SQL Server URL with a password",
        r"mssql|sqlserver",
        ("mssql", "sqlserver"),
        "https://learn.microsoft.com/sql/connect/jdbc/building-the-connection-url",
    ),
    _url(
        "clickhouse-url-password",
        "ClickHouse URL with a password",
        r"clickhouse(?:\+[a-z]{1,16})?",
        ("clickhouse",),
        "https://clickhouse.com/docs/interfaces/cli#connection_string",
    ),
    _url(
        "ldap-url-password",
        "LDAP URL with a password",
        r"ldaps?",
        ("ldap",),
        "https://www.rfc-editor.org/rfc/rfc4516",
    ),
    _url(
        "ftp-url-password",
        "FTP/SFTP URL with a password",
        r"s?ftps?",
        ("ftp",),
        "https://www.rfc-editor.org/rfc/rfc1738#section-3.2",
    ),
    _url(
        "smtp-url-password",
        "SMTP URL with a password",
        r"smtps?",
        ("smtp",),
        "https://www.iana.org/assignments/uri-schemes/prov/smtp",
    ),
    _url(
        "basic-auth-url",
        "HTTP(S) URL with a user and password",
        r"https?",
        ("http",),
        "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1",
        severity=Severity.HIGH,
        tags=("url",),
    ),
    SecretRule(
        id="jdbc-password",
        name="JDBC URL with a password parameter",
        keywords=("jdbc:",),
        pattern=re.compile(
            r"jdbc:[a-z0-9:]{2,30}//[^\s\"'<>;?]{1,255}[;?&][^\s\"'<>]{0,300}?(?i:password)="
            r"(?P<secret>[^;&\s\"'<>]{1,128})"
        ),
        validate=url_password,
        reference="https://docs.oracle.com/javase/tutorial/jdbc/basics/connecting.html",
        tags=_T,
    ),
    SecretRule(
        id="ado-connection-string-password",
        name="ADO.NET / ODBC connection string with a password",
        keywords=("server=", "data source="),
        pattern=re.compile(
            r"(?i:server|data source)=[^;\"'\n]{1,200};[^\"'\n]{0,300}?(?i:password|pwd)\s{0,2}="
            r"\s{0,2}(?P<secret>[^;\"'\s]{1,128})"
        ),
        validate=url_password,
        reference="https://learn.microsoft.com/dotnet/api/system.data.sqlclient.sqlconnection.connectionstring",
        tags=_T,
    ),
)
