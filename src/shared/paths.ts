/** The bot's messaging endpoint, where every channel (and the local web chat) posts activities. */
export const MESSAGES_PATH = '/api/messages';
