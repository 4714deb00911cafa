"""Personal data and secrets in text: the recognizers' validators, the detector (a
multi-pattern prefilter, then exact patterns and validators on candidates), masking and
keyed digests, and a seeded labelled corpus to measure it. Pure: imports only the domain."""
