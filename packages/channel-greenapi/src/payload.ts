import { z } from 'zod';

/** Every Green API webhook has a type; the rest depends on it (research/channels.md §4). */
export const greenWebhookSchema = z.looseObject({
  typeWebhook: z.string().min(1),
  instanceData: z
    .looseObject({ idInstance: z.union([z.number(), z.string()]).optional(), wid: z.string().optional() })
    .optional(),
  timestamp: z.number().optional(),
});

export const greenIncomingMessageSchema = z.looseObject({
  typeWebhook: z.literal('incomingMessageReceived'),
  instanceData: z.looseObject({ wid: z.string().optional() }).optional(),
  timestamp: z.number(),
  idMessage: z.string().min(1),
  senderData: z.looseObject({
    chatId: z.string().min(1),
    sender: z.string().optional(),
    chatName: z.string().optional(),
    senderName: z.string().optional(),
    senderContactName: z.string().optional(),
  }),
  messageData: z.looseObject({
    typeMessage: z.string(),
    textMessageData: z.looseObject({ textMessage: z.string() }).optional(),
    extendedTextMessageData: z.looseObject({ text: z.string() }).optional(),
  }),
});

export type GreenWebhook = z.output<typeof greenWebhookSchema>;
export type GreenIncomingMessage = z.output<typeof greenIncomingMessageSchema>;

export const greenSendResponseSchema = z.looseObject({ idMessage: z.string() });

/** `outgoingMessageStatus`: what became of a message we sent (sent, delivered, read, failed, noAccount, …). */
export const greenOutgoingStatusSchema = z.looseObject({
  typeWebhook: z.literal('outgoingMessageStatus'),
  idMessage: z.string().min(1),
  status: z.string().min(1),
  chatId: z.string().optional(),
  timestamp: z.number().optional(),
  sendByApi: z.boolean().optional(),
  description: z.string().optional(),
});

/** `stateInstanceChanged`: authorized, notAuthorized, blocked, sleepMode, starting, yellowCard. */
export const greenStateChangedSchema = z.looseObject({
  typeWebhook: z.literal('stateInstanceChanged'),
  stateInstance: z.string().min(1),
  timestamp: z.number().optional(),
});

export type GreenOutgoingStatus = z.output<typeof greenOutgoingStatusSchema>;

/** `getStateInstance` answer. */
export const greenStateResponseSchema = z.looseObject({ stateInstance: z.string().min(1) });

/** `checkWhatsapp` answer. */
export const greenCheckWhatsappSchema = z.looseObject({ existsWhatsapp: z.boolean() });
