#!/usr/bin/env python3
"""run.py - run the API tests against a real heed binary.

    python3 tests/api/run.py [-v] [-k SUBSTRING] [MODULE ...]

Discovers tests/api/test_*.py (or only the named modules, e.g. test_cases),
runs them with unittest, prints each failure with the tail of the server log
as it happens, and ends with one line:

    api: N passed, N failed[, N skipped]

Errors (including a class whose server would not start or stop cleanly)
count as failures. Exits 1 on any failure. HEED_BIN names the binary
(default build/heed).
"""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class Result(unittest.TestResult):
    def __init__(self, verbose):
        super().__init__()
        self.verbose = verbose
        self.passed = 0
        self.failed = 0
        self.skipped_n = 0
        self.started = 0.0

    def startTest(self, test):
        super().startTest(test)
        self.started = time.monotonic()

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1
        if self.verbose:
            print("ok    %s (%.2fs)" % (test.id(), time.monotonic() - self.started), flush=True)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skipped_n += 1
        if self.verbose:
            print("skip  %s: %s" % (test.id(), reason), flush=True)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.passed += 1

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._report("UNEXPECTED SUCCESS", test, None)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._report("FAIL", test, err, count=self._first_failure(test))

    def addError(self, test, err):
        super().addError(test, err)
        self._report("ERROR", test, err, count=self._first_failure(test))

    @staticmethod
    def _first_failure(test):
        """Count each test at most once, however many subtests fail."""
        if getattr(test, "_heed_failed", False):
            return False
        try:
            test._heed_failed = True
        except AttributeError:
            pass
        return True

    def addSubTest(self, test, subtest, err):
        # A failing subtest fails its test once; passing subtests are not counted.
        if err is not None:
            super().addSubTest(test, subtest, err)
            kind = "FAIL" if issubclass(err[0], test.failureException) else "ERROR"
            self._report(kind, subtest, err, count=self._first_failure(test))

    def _report(self, kind, test, err, count=True):
        if count:
            self.failed += 1
        print("=" * 70)
        print("%s: %s" % (kind, test.id() if hasattr(test, "id") else test))
        if err is not None:
            print(self._exc_info_to_string(err, test).rstrip())
        owner = getattr(test, "test_case", test)  # a subtest's parent
        server = getattr(type(owner), "server", None)
        if server is not None and hasattr(server, "log_tail"):
            print(server.log_tail(20))
        print("-" * 70, flush=True)


def filter_suite(suite, needle):
    out = unittest.TestSuite()
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            out.addTest(filter_suite(t, needle))
        elif needle in t.id():
            out.addTest(t)
    return out


def main(argv, here=HERE, label="api"):
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    needle = None
    if "-k" in args:
        i = args.index("-k")
        needle = args[i + 1]
        del args[i:i + 2]
    loader = unittest.TestLoader()
    if args:
        suite = unittest.TestSuite(loader.loadTestsFromName(m.replace(".py", ""))
                                   for m in args)
    else:
        suite = loader.discover(here, pattern="test_*.py", top_level_dir=here)
    if needle:
        suite = filter_suite(suite, needle)
    result = Result(verbose)
    t0 = time.monotonic()
    suite.run(result)
    line = label + ": %d passed, %d failed" % (result.passed, result.failed)
    if result.skipped_n:
        line += ", %d skipped" % result.skipped_n
    if verbose:
        print("(%.1fs)" % (time.monotonic() - t0))
    print(line, flush=True)
    return 1 if result.failed or not result.wasSuccessful() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
