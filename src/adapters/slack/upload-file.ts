import type { webApi } from '@slack/bolt';

/**
 * Sends a text file to a person's direct messages with Slack's external upload flow (`files.upload` is retired):
 * `files.getUploadURLExternal` for an upload address, the bytes posted there, then `files.completeUploadExternal`
 * to share the file in the person's DM channel (`conversations.open`). Needs the `files:write` scope.
 */
export async function uploadToDirectMessage(
  client: webApi.WebClient,
  user: string,
  file: { filename: string; content: string; title: string },
): Promise<{ fileId: string; channel: string }> {
  const bytes = Buffer.from(file.content, 'utf8');
  const dm = await client.conversations.open({ users: user });
  const channel = dm.channel?.id;
  if (!channel) throw new Error(`conversations.open gave no channel for ${user}`);
  const target = await client.files.getUploadURLExternal({ filename: file.filename, length: bytes.length });
  if (!target.upload_url || !target.file_id) throw new Error('files.getUploadURLExternal gave no upload_url');
  const uploaded = await fetch(target.upload_url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  if (!uploaded.ok) throw new Error(`the upload to Slack answered ${uploaded.status}`);
  await client.files.completeUploadExternal({
    files: [{ id: target.file_id, title: file.title.slice(0, 250) }],
    channel_id: channel,
  });
  return { fileId: target.file_id, channel };
}

/**
 * Uploads a file with the external upload flow without sharing it in any channel (`files.completeUploadExternal`
 * without `channel_id`): a message then shows it with an image block naming the file (`slack_file`). Needs the
 * `files:write` scope.
 */
export async function uploadUnshared(
  client: webApi.WebClient,
  file: { filename: string; bytes: Buffer; title: string },
): Promise<string> {
  const target = await client.files.getUploadURLExternal({ filename: file.filename, length: file.bytes.length });
  if (!target.upload_url || !target.file_id) throw new Error('files.getUploadURLExternal gave no upload_url');
  const uploaded = await fetch(target.upload_url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: file.bytes,
  });
  if (!uploaded.ok) throw new Error(`the upload to Slack answered ${uploaded.status}`);
  await client.files.completeUploadExternal({ files: [{ id: target.file_id, title: file.title.slice(0, 250) }] });
  return target.file_id;
}
