import { z } from "zod";

/** One deployment in `GET /v1/deployments`: the Flask samples' and the Node sample's shapes, and extra fields, all accepted. */
const deploymentResource = z.looseObject({
  metadata: z.looseObject({
    guid: z.string().min(1),
    url: z.string().optional(),
    created_at: z.string().optional(),
    modified_at: z.string().optional(),
  }),
  entity: z.looseObject({
    name: z.string().optional(),
    description: z.string().optional(),
    type: z.string().optional(),
    scoring_url: z.string().optional(),
    scoring_endpoint: z.looseObject({ url: z.string() }).optional(),
    asset: z
      .looseObject({
        guid: z.string().optional(),
        asset_id: z.string().optional(),
        name: z.string().optional(),
        asset_type: z.string().optional(),
        created_at: z.string().optional(),
        url: z.string().optional(),
      })
      .optional(),
    asset_properties: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const deploymentList = z.looseObject({
  count: z.number().optional(),
  resources: z.array(deploymentResource),
});

export type DeploymentList = z.infer<typeof deploymentList>;

/** A scoring answer: `{fields, values}` with optional class `labels`. */
export const scoringResponse = z.looseObject({
  fields: z.array(z.string()),
  values: z.array(z.array(z.unknown())),
  labels: z.array(z.string()).optional(),
});
