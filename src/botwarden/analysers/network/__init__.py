"""Network and container settings: Terraform security groups and network ACLs (``network``),
Kubernetes workloads and NetworkPolicies (``kubernetes``) and Dockerfiles (``container``).

One module per format reads files into plain data with lines; the analysers judge that data.
"""
