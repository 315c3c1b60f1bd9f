"""SmartPOST CrossGuard policies, one module per AWS service. ``policy_pack/__main__.py`` assembles them."""
