/**
 * cdk-nag is CommonJS whose exports Node's ESM loader cannot detect statically, so named
 * imports fail at run time; take them from the default export once, here.
 */
import cdkNag from "cdk-nag";
import flattenModule from "cdk-nag/lib/utils/flatten-cfn-reference.js";

export const { AwsSolutionsChecks } = cdkNag;

/** How cdk-nag writes a resolved CloudFormation value in a finding id (`<Logical.Arn>/*`). */
export const { flattenCfnReference } = flattenModule;
