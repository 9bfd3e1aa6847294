#!/usr/bin/env python3
"""Writes the RabbitMQ definitions (JSON, loaded at boot) of a community: the vhost, one user per
home with its ACLs, and the community service user (docs/community.md, "Deployment: certificates
and ACLs").

Each hub user (name = home id; the certificate CN in production) may only write routing keys
community.<site>.<home>.up.<kind> and read community.<site>.<home>.down.# on amq.topic: topic
permissions with RabbitMQ's {username} expansion, so one pattern serves every hub of the site.
Its resource permissions name only its own MQTT subscription queues. The service user reads
community.# and writes community.<site>.<home>.down.# and community.<site>.escalation.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import sys

HOME_ID = re.compile(r"^[a-z0-9_-]{1,64}$")


def password_hash(password: str) -> str:
    """rabbit_password_hashing_sha256: base64(salt(4) + sha256(salt + password))."""
    salt = os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def user(name: str, password: str) -> dict:
    entry = {"name": name, "tags": [], "hashing_algorithm": "rabbit_password_hashing_sha256"}
    entry["password_hash"] = password_hash(password) if password else ""
    return entry


def hub_topic_permissions(site: str) -> dict:
    prefix = r"^community\." + re.escape(site) + r"\.{username}\."
    return {"write": prefix + r"up\.[a-z_]+$", "read": prefix + r"down\..*$"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", required=True)
    parser.add_argument("--homes", required=True, help='file: "home_id [password]" per line')
    parser.add_argument("--service", required=True, help="USER:PASSWORD of the community service")
    parser.add_argument("--vhost", default="community")
    args = parser.parse_args()
    if not HOME_ID.match(args.site):
        sys.exit(f"bad site id {args.site!r}")
    vhost = args.vhost
    service_user, _, service_pass = args.service.partition(":")
    users, permissions, topic_permissions = [user(service_user, service_pass)], [], []
    service_queue = r"^mqtt-subscription-" + re.escape(service_user) + r".*$"
    permissions.append({"user": service_user, "vhost": vhost, "configure": service_queue,
                        "write": r"^(amq\.topic|mqtt-subscription-" + re.escape(service_user) + r".*)$",
                        "read": r"^(amq\.topic|mqtt-subscription-" + re.escape(service_user) + r".*)$"})
    topic_permissions.append({"user": service_user, "vhost": vhost, "exchange": "amq.topic",
                              "read": r"^community\..*$",
                              "write": r"^community\.[a-z0-9_-]+\.([a-z0-9_-]+\.down\..*|escalation)$"})
    hub_topics = hub_topic_permissions(args.site)
    with open(args.homes, encoding="utf-8") as homes:
        for line in homes:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            home = fields[0]
            if not HOME_ID.match(home):
                sys.exit(f"bad home id {home!r}")
            users.append(user(home, fields[1] if len(fields) > 1 else ""))
            own_queues = r"mqtt-subscription-hub-" + re.escape(home) + r"qos[01]"
            permissions.append({"user": home, "vhost": vhost, "configure": "^" + own_queues + "$",
                                "write": r"^(amq\.topic|" + own_queues + r")$",
                                "read": r"^(amq\.topic|" + own_queues + r")$"})
            topic_permissions.append({"user": home, "vhost": vhost, "exchange": "amq.topic", **hub_topics})
    # RabbitMQ 3.10 declares a hub's QoS 1 subscription queue (clean session) as a durable,
    # auto-delete classic queue on the node the hub connected to. When that node dies, the queue
    # record stays and the hub's re-subscription on another node fails ("home node ... is down"),
    # so the hub could never fail over. Mirroring those queues to every node lets a surviving
    # mirror take over (tests/community/hub_storm_test.cpp found this).
    policies = [{"vhost": vhost, "name": "hub-subscriptions-on-every-node", "pattern": r"^mqtt-subscription-hub-",
                 "apply-to": "queues", "priority": 0,
                 "definition": {"ha-mode": "all", "ha-sync-mode": "automatic"}}]
    json.dump({"vhosts": [{"name": vhost}], "users": users, "permissions": permissions,
               "topic_permissions": topic_permissions, "policies": policies}, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
