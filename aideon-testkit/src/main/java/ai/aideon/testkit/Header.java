package ai.aideon.testkit;

/** One response header line. */
record Header(String name, String value) {}
