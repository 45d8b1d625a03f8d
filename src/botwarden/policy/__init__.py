"""The decision engine: a manifest compiled into matchers, asked per request for a Decision."""
