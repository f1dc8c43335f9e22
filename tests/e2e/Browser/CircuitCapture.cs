using Microsoft.Playwright;

namespace AuditPortal.Tests.E2e.Browser;

/// <summary>
/// Everything the server sends a page over its WebSockets (every circuit the page opens, also after a full
/// navigation), taken step by step: <see cref="Take"/> returns what arrived since the last take.
/// </summary>
public sealed class CircuitCapture
{
    private readonly object gate = new();
    private CircuitFrames current = new();

    public CircuitCapture(IPage page) =>
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            lock (gate)
            {
                if (frame.Binary is { } binary)
                    current.AddBinary(binary);
                else if (frame.Text is { } text)
                    current.AddText(text);
            }
        };

    /// <summary>The frames received since the previous call.</summary>
    public CircuitFrames Take()
    {
        lock (gate)
        {
            var taken = current;
            current = new CircuitFrames();
            return taken;
        }
    }
}
