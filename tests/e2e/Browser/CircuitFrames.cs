using System.Buffers.Binary;
using System.Text;

namespace AuditPortal.Tests.E2e.Browser;

/// <summary>
/// What the server sent over a Blazor Server circuit, made searchable: a WebSocket frame of the SignalR
/// "blazorpack" protocol holds length-prefixed MessagePack hub messages; a render batch
/// (<c>JS.RenderBatch</c>) carries its text in a string table (7-bit length + UTF-8, as BinaryWriter writes,
/// then an index of int32 offsets whose start is the batch's last int32). Every string of every batch is
/// read from its table; every other message (JS interop calls and their JSON arguments) is kept as its
/// strings. Decoding failures are counted, not hidden: a frame that could not be decoded is kept as lossy UTF-8.
/// </summary>
public sealed class CircuitFrames
{
    private readonly StringBuilder text = new();

    public int Frames { get; private set; }

    public int RenderBatches { get; private set; }

    /// <summary>Frames or render batches that could not be decoded (kept as lossy UTF-8 text).</summary>
    public int Undecoded { get; private set; }

    /// <summary>Why the first undecoded frame or batch did not decode, and how it starts.</summary>
    public string? FirstProblem { get; private set; }

    /// <summary>Every string the server sent, one per line.</summary>
    public string Text => text.ToString();

    public void AddText(string frame)
    {
        Frames++;
        text.AppendLine(frame);
    }

    public void AddBinary(byte[] frame)
    {
        Frames++;
        if (frame is [(byte)'{', .., 0x1e])
        {
            // The handshake's answer is JSON ended by a record separator, whatever the protocol.
            text.AppendLine(Encoding.UTF8.GetString(frame));
            return;
        }
        try
        {
            var at = 0;
            while (at < frame.Length)
            {
                var length = (int)ReadVarInt(frame, ref at);
                var message = new MessagePackReader(frame.AsMemory(at, length)).Read();
                at += length;
                Add(message);
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            Undecoded++;
            FirstProblem ??= $"frame: {ex.Message}: {Convert.ToHexString(frame.AsSpan(0, Math.Min(48, frame.Length)))}";
            text.AppendLine(Encoding.UTF8.GetString(frame));
        }
    }

    /// <summary>A hub message: an invocation of <c>JS.RenderBatch(batchId, bytes)</c> is a render batch; of anything else, its strings.</summary>
    private void Add(object? message)
    {
        if (message is List<object?> { Count: >= 5 } invocation && invocation[0] is 1L && invocation[3] is "JS.RenderBatch"
            && invocation[4] is List<object?> { Count: 2 } arguments && arguments[1] is byte[] batch)
        {
            RenderBatches++;
            if (RenderBatchStrings(batch) is { } strings)
                foreach (var s in strings)
                    text.AppendLine(s);
            else
            {
                Undecoded++;
                FirstProblem ??= $"batch of {batch.Length} bytes: {Convert.ToHexString(batch.AsSpan(Math.Max(0, batch.Length - 48)))}";
                text.AppendLine(Encoding.UTF8.GetString(batch));
            }
            return;
        }
        AddStrings(message);
    }

    private void AddStrings(object? value)
    {
        switch (value)
        {
            case string s:
                text.AppendLine(s);
                break;
            case byte[] b:
                text.AppendLine(Encoding.UTF8.GetString(b));
                break;
            case List<object?> list:
                foreach (var item in list)
                    AddStrings(item);
                break;
        }
    }

    /// <summary>The string table of a render batch, or null when it does not read as one.</summary>
    public static IReadOnlyList<string>? RenderBatchStrings(byte[] batch)
    {
        // The batch ends with five int32 offsets (updated components, reference frames, disposed components,
        // disposed event handlers, string table index); the index holds one int32 per string, up to them.
        const int trailer = 5 * 4;
        if (batch.Length < trailer)
            return null;
        var tableStart = BinaryPrimitives.ReadInt32LittleEndian(batch.AsSpan(batch.Length - 4));
        var count = (batch.Length - trailer - tableStart) / 4;
        if (tableStart < 0 || count < 0 || tableStart + 4 * count != batch.Length - trailer)
            return null;
        var strings = new List<string>(count);
        // The strings lie one after another, each where its index entry says, the last one ending at the index.
        var at = count == 0 ? tableStart : BinaryPrimitives.ReadInt32LittleEndian(batch.AsSpan(tableStart));
        for (var i = 0; i < count; i++)
        {
            if (BinaryPrimitives.ReadInt32LittleEndian(batch.AsSpan(tableStart + 4 * i)) != at)
                return null;
            var length = (int)ReadVarInt(batch, ref at);
            if (length < 0 || at + length > tableStart)
                return null;
            strings.Add(Encoding.UTF8.GetString(batch, at, length));
            at += length;
        }
        return at == tableStart ? strings : null;
    }

    /// <summary>A 7-bit encoded unsigned integer, low bits first (SignalR's length prefix, BinaryWriter's string length).</summary>
    private static uint ReadVarInt(byte[] bytes, ref int at)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = bytes[at++];
            value |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new FormatException("7-bit integer too long");
    }

    /// <summary>Just enough MessagePack to read hub messages: arrays and maps become lists, bin stays bytes.</summary>
    private ref struct MessagePackReader(ReadOnlyMemory<byte> data)
    {
        private readonly ReadOnlySpan<byte> bytes = data.Span;
        private int at;

        public object? Read()
        {
            var b = bytes[at++];
            switch (b)
            {
                case <= 0x7f: return (long)b;
                case >= 0xe0: return (long)(sbyte)b;
                case >= 0x80 and <= 0x8f: return List((b & 0x0f) * 2);
                case >= 0x90 and <= 0x9f: return List(b & 0x0f);
                case >= 0xa0 and <= 0xbf: return Str(b & 0x1f);
                case 0xc0: return null;
                case 0xc2: return false;
                case 0xc3: return true;
                case 0xc4: return Bin(Take(1)[0]);
                case 0xc5: return Bin(BinaryPrimitives.ReadUInt16BigEndian(Take(2)));
                case 0xc6: return Bin((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4)));
                case 0xc7: { var n = Take(1)[0]; Take(1 + n); return null; }
                case 0xc8: { var n = BinaryPrimitives.ReadUInt16BigEndian(Take(2)); Take(1 + n); return null; }
                case 0xc9: { var n = (int)BinaryPrimitives.ReadUInt32BigEndian(Take(4)); Take(1 + n); return null; }
                case 0xca: return (double)BinaryPrimitives.ReadSingleBigEndian(Take(4));
                case 0xcb: return BinaryPrimitives.ReadDoubleBigEndian(Take(8));
                case 0xcc: return (long)Take(1)[0];
                case 0xcd: return (long)BinaryPrimitives.ReadUInt16BigEndian(Take(2));
                case 0xce: return (long)BinaryPrimitives.ReadUInt32BigEndian(Take(4));
                case 0xcf: return (long)BinaryPrimitives.ReadUInt64BigEndian(Take(8));
                case 0xd0: return (long)(sbyte)Take(1)[0];
                case 0xd1: return (long)BinaryPrimitives.ReadInt16BigEndian(Take(2));
                case 0xd2: return (long)BinaryPrimitives.ReadInt32BigEndian(Take(4));
                case 0xd3: return BinaryPrimitives.ReadInt64BigEndian(Take(8));
                case >= 0xd4 and <= 0xd8: Take(1 + (1 << (b - 0xd4))); return null;
                case 0xd9: return Str(Take(1)[0]);
                case 0xda: return Str(BinaryPrimitives.ReadUInt16BigEndian(Take(2)));
                case 0xdb: return Str((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4)));
                case 0xdc: return List(BinaryPrimitives.ReadUInt16BigEndian(Take(2)));
                case 0xdd: return List((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4)));
                case 0xde: return List(BinaryPrimitives.ReadUInt16BigEndian(Take(2)) * 2);
                case 0xdf: return List((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4)) * 2);
                default: throw new FormatException($"MessagePack type 0x{b:x2}");
            }
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || at + count > bytes.Length)
                throw new FormatException("MessagePack value runs past its message");
            var span = bytes.Slice(at, count);
            at += count;
            return span;
        }

        private string Str(int length) => Encoding.UTF8.GetString(Take(length));

        private byte[] Bin(int length) => Take(length).ToArray();

        private List<object?> List(int count)
        {
            var list = new List<object?>(count);
            for (var i = 0; i < count; i++)
                list.Add(Read());
            return list;
        }
    }
}
