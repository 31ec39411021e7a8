"""The load of the suite's HTTP row (``bench.ops_http``): each simulated client asks for one page
again and again, with no pause, as a logged-in person whose session cookie it is given.

    BENCH_PATH=/tasks/?year=2026 BENCH_COOKIE="sessionid=…" locust -f bench/locustfile.py …
"""

import os

from locust import FastHttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
COOKIE = os.environ.get("BENCH_COOKIE", "")


class Client(FastHttpUser):
    # FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator
    # shares the machine's cores with gunicorn, and this one spends far less CPU a request.
    wait_time = constant(0)  # closed loop: throughput is what the server can take

    @task
    def page(self) -> None:
        headers = {"Cookie": COOKIE} if COOKIE else {}
        # No redirect followed: a lost session would be a 302 to the login page, an error here.
        with self.client.get(
            PATH, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
