// Public API of the Slack bot.
export {};
