"""Finding Migration Hub: the account's home region and a client that talks to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from types_boto3_discovery import ApplicationDiscoveryServiceClient
    from types_boto3_mgh import MigrationHubClient
    from types_boto3_migrationhub_config import MigrationHubConfigClient

#: Retrying is botocore's job: standard mode backs off on throttling and 5xx errors.
RETRY_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5})

#: Any region Migration Hub runs in can say which region is the home region.
CONFIG_REGION = "us-west-2"


class HomeRegionNotSetError(RuntimeError):
    """The account has not chosen a Migration Hub home region yet."""


def home_region(
    config_client: MigrationHubConfigClient | None = None,
    *,
    session: boto3.Session | None = None,
) -> str:
    """Return the account's Migration Hub home region.

    ``session`` holds the credentials of the account to migrate (for example a
    role assumed in it); without one, boto3's default credentials are used.

    Raises :class:`HomeRegionNotSetError` when none is set: Migration Hub then
    refuses every call, so there is no point starting a migration.
    """
    if config_client is None:
        config_client = (session or boto3).client("migrationhub-config", region_name=CONFIG_REGION, config=RETRY_CONFIG)
    region: str | None = config_client.get_home_region().get("HomeRegion")
    if not region:
        raise HomeRegionNotSetError(
            "This account has no Migration Hub home region; choose one in the "
            "Migration Hub console (Settings > Home Region) before migrating."
        )
    return region


def home_region_client(
    config_client: MigrationHubConfigClient | None = None,
    *,
    session: boto3.Session | None = None,
) -> MigrationHubClient:
    """Return a Migration Hub client in the home region, the only one that accepts writes."""
    region = home_region(config_client, session=session)
    return (session or boto3).client("mgh", region_name=region, config=RETRY_CONFIG)


def home_region_discovery_client(
    config_client: MigrationHubConfigClient | None = None,
    *,
    session: boto3.Session | None = None,
) -> ApplicationDiscoveryServiceClient:
    """Return an Application Discovery Service client in the home region, where discovery data lives."""
    region = home_region(config_client, session=session)
    return (session or boto3).client("discovery", region_name=region, config=RETRY_CONFIG)


def ec2_instance_arn(region: str, account_id: str, instance_id: str) -> str:
    """The ARN Migration Hub expects for a created EC2 instance (a "created artifact")."""
    return f"arn:aws:ec2:{region}:{account_id}:instance/{instance_id}"
