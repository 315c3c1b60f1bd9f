"""Lambda handler code that is part of the project (deployed as code archives by the Pulumi program).

Each subpackage is one area; handlers use boto3 (in the Lambda runtime) and the standard library only.
"""
