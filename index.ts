import { main } from "./src/program";

// The Pulumi CLI awaits the exported promise and publishes its fields as stack outputs.
export = main();
