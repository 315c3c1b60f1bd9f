"""SmartPOST platform components: one ``pulumi.ComponentResource`` per file."""
