#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A recorded crash of the test firmware, collected into a stored core and
checked against the live CPU (see rpdtest.core_check)."""
import sys

from rpdtest import core_check

if __name__ == "__main__":
    sys.exit(core_check.main())
