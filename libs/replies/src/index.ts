export { renderReply, HELPLINE, EXAMPLE_CNIC } from './sms/reply-templates';
export type { ReplyInput, VoterDetails } from './sms/reply-templates';
