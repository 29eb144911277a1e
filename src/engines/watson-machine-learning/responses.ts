import { z } from "zod";

/** A WML v4 deployment, as `GET /ml/v4/deployments` lists it (extra fields tolerated). */
const deployment = z.looseObject({
  metadata: z.looseObject({
    id: z.string().min(1),
    name: z.string().optional(),
    created_at: z.string().optional(),
    href: z.string().optional(),
  }),
  entity: z.looseObject({
    name: z.string().optional(),
    description: z.string().optional(),
    asset: z.looseObject({ id: z.string() }).optional(),
    online: z.unknown().optional(),
    status: z.looseObject({ state: z.string().optional(), online_url: z.looseObject({ url: z.string() }).optional() }).optional(),
  }),
});

export const deploymentList = z.looseObject({ resources: z.array(deployment), total_count: z.number().optional() });

/** A WML v4 model, as `GET /ml/v4/models` lists it: its name and framework (`entity.type`, e.g. scikit-learn_1.1). */
const model = z.looseObject({
  metadata: z.looseObject({ id: z.string().min(1), name: z.string().optional(), created_at: z.string().optional() }),
  entity: z.looseObject({ type: z.string().optional() }),
});

export const modelList = z.looseObject({ resources: z.array(model) });

export const predictionsResponse = z.looseObject({
  predictions: z.array(z.looseObject({ fields: z.array(z.string()), values: z.array(z.array(z.unknown())) })).min(1),
});
