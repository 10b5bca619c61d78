"""Concurrency smoke: 8 threads each create 25 cases on their own keep-alive
connection; all get 201 and all are listed afterwards."""

import threading

from harness import Client, ServerTest, unique

THREADS = 8
PER_THREAD = 25


class Concurrency(ServerTest):
    def test_parallel_creates(self):
        cust = self.new_customer(("email", unique("conc") + "@example.com"))
        queue_name = unique("conc")
        results, errors = [], []
        lock = threading.Lock()
        start = threading.Barrier(THREADS)

        def worker(n):
            role = ("admin", "supervisor", "agent")[n % 3]
            c = Client(self.port, self.tokens[role])
            try:
                start.wait(30)
                for i in range(PER_THREAD):
                    subject = "t%d-%d" % (n, i)
                    r = c.post("/api/v1/cases", {"customer_id": cust["id"], "subject": subject,
                                                 "queue": queue_name, "facts": {"thread": n}})
                    with lock:
                        if r.status == 201:
                            results.append((r.json["id"], subject))
                        else:
                            errors.append(repr(r))
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append("thread %d: %r" % (n, e))
            finally:
                c.close()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        self.assertFalse(any(t.is_alive() for t in threads), "workers hung")
        self.assertEqual(errors, [], "non-201 responses")
        self.assertEqual(len(results), THREADS * PER_THREAD)
        ids = [i for i, _ in results]
        self.assertEqual(len(set(ids)), len(ids), "duplicate case ids")
        listed = self.list_all("/api/v1/cases?queue=" + queue_name, limit=50)
        self.assertEqual(sorted(c["id"] for c in listed), sorted(ids))
        by_id = {c["id"]: c["subject"] for c in listed}
        self.assertEqual(by_id, dict(results), "subjects mixed up")
        self.assertHealthy()
