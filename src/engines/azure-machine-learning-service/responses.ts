import { z } from "zod";

/** ARM lists: `{value: [...], nextLink?}`. */
const armList = <T extends z.ZodType>(item: T) => z.looseObject({ value: z.array(item), nextLink: z.string().optional() });

export const workspaceList = armList(z.looseObject({ id: z.string().min(1), name: z.string().min(1) }));

export const onlineEndpointList = armList(
  z.looseObject({
    id: z.string().min(1),
    name: z.string().min(1),
    properties: z.looseObject({
      scoringUri: z.string().min(1),
      authMode: z.string().optional(),
      description: z.string().optional(),
      provisioningState: z.string().optional(),
    }),
    systemData: z.looseObject({ createdAt: z.string().optional() }).optional(),
    tags: z.record(z.string(), z.string()).optional(),
  }),
);

export const endpointKeys = z.looseObject({ primaryKey: z.string().min(1), secondaryKey: z.string().optional() });
