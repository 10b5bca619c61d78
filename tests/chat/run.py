#!/usr/bin/env python3
"""run.py - the chat protocol tests: real WebSockets against a real heed.

    python3 tests/chat/run.py [-v] [-k SUBSTRING] [MODULE ...]

Same runner as tests/api (one line at the end: `chat: N passed, N failed`).
"""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
API = os.path.join(os.path.dirname(HERE), "api")
sys.path.insert(0, HERE)
sys.path.insert(1, API)

spec = importlib.util.spec_from_file_location("api_run", os.path.join(API, "run.py"))
api_run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(api_run)

if __name__ == "__main__":
    sys.exit(api_run.main(sys.argv[1:], here=HERE, label="chat"))
