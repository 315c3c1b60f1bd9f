"""Explicit AWS providers, pinned to the right account."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, as_list, resource_policy


def _explicit_pinned_provider(args: ResourceValidationArgs, report) -> None:
    if not args.resource_type.startswith("aws:"):
        return
    provider = args.provider
    if provider is None or provider.name.startswith("default"):
        report("The resource uses the default AWS provider; pass an explicit provider (opts=provider=...).")
        return
    if not as_list(provider.props.get("allowedAccountIds")):
        report(f"Provider '{provider.name}' does not pin allowedAccountIds.")


provider_explicit_pinned_account = resource_policy(
    name="pulumi-provider-explicit-pinned-account",
    description="Every AWS resource uses an explicit provider that pins allowed_account_ids.",
    severity=Severity.CRITICAL,
    remediation="Create resources with opts=pulumi.ResourceOptions(provider=...) using a provider built by "
    "components/providers.py, which sets allowed_account_ids from the stack's accounts config.",
    control=Control(),
    validate=_explicit_pinned_provider,
)

POLICIES = [provider_explicit_pinned_account]
