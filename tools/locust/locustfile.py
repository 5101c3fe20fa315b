"""Load test of an AgentWeave gateway with locust: POST /task over mutual TLS.

    bin/agentweave ca issue --spiffe-id spiffe://example.org/agent/locust --out .agentweave/locust
    locust -f tools/locust/locustfile.py --host https://localhost:8443

The client certificate is set on each user's session (requests' cert and verify). The directory of
svid.pem, svid.key and bundle.pem is AGENTWEAVE_CREDENTIALS (default .agentweave/locust). The
payloads are the performance guide's, which config/node.yaml serves as they are.
"""

import os

from locust import HttpUser, constant, task

CREDENTIALS = os.environ.get("AGENTWEAVE_CREDENTIALS", ".agentweave/locust")


class GatewayUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.client.cert = (
            os.path.join(CREDENTIALS, "svid.pem"),
            os.path.join(CREDENTIALS, "svid.key"),
        )
        self.client.verify = os.path.join(CREDENTIALS, "bundle.pem")

    @task(3)
    def search(self):
        self.client.post(
            "/task", json={"action": "search", "query": "test query", "limit": 10}, name="search"
        )

    @task(1)
    def process(self):
        self.client.post(
            "/task", json={"action": "process", "data": {"key": "value"}}, name="process"
        )
