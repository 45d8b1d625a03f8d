"""Enforcement at run time: the gate every request passes, DNS, transports and the proxy."""
