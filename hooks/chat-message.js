// A websocket event handler (kind "websocket", event "chat"): acknowledges the sender and tells the room.
//   enfyra-run hooks/chat-message.js --kind websocket --url /chat --event chat --body '{"text":"hi"}'
const { text } = $ctx.$body;
if (!text) $ctx.$throw['400']('a chat message needs text');
await $ctx.$socket.reply('chat:ack', { text });
await $ctx.$socket.broadcastToRoom('lobby', 'chat:message', { text, from: $ctx.$req.user?.id ?? null });
return { delivered: true, method: $ctx.$req.method };
