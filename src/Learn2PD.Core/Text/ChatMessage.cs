namespace Learn2PD.Core.Text;

/// <summary>One turn of a conversation: <c>Role</c> is "system", "user" or "assistant".</summary>
public sealed record ChatMessage(string Role, string Content);
