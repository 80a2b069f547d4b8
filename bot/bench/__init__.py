"""`faqbot bench ...`: measurements anyone can re-run, each writing JSON and a markdown table.

Every figure that is compared is measured in the same run as what it is compared with (these
machines drift several-fold between days): ours vs a plain baseline, server vs bare embedder,
busy vs quiet.
"""
