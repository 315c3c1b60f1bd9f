"""Offline tooling: run a stack's Pulumi program under mocks, show it, and check it with the policy pack.

Nothing here needs the Pulumi CLI, a provider plugin or an AWS account.
"""
