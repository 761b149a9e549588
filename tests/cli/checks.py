"""The counting every standalone test script of tests/cli shares: check(ok, what) records a
failure, finish() prints them and the count and gives the exit code (1 on a failure, or when no
check ran at all)."""


class Checks:
    def __init__(self, name):
        self.name = name
        self.failures = []
        self.count = 0

    def __call__(self, ok, what):
        self.count += 1
        if not ok:
            self.failures.append(what)
        return ok

    def finish(self):
        for failure in self.failures:
            print("FAILED:", failure)
        print(f"{self.name}: {self.count - len(self.failures)}/{self.count} checks passed")
        return 1 if self.failures or self.count == 0 else 0
