/** test/integration/custom-monitors.test.ts through the remote client against a data mart server. */
process.env.OPENSCALE_TEST_CLIENT = "remote";
require("../integration/custom-monitors.test");
