/** test/integration/drift-monitoring.test.ts through the remote client against a data mart server. */
process.env.OPENSCALE_TEST_CLIENT = "remote";
require("../integration/drift-monitoring.test");
