using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Learn2PD.Tests.Support;

/// <summary>
/// Writes pickle opcodes by name, to craft the data.pkl of a .pth archive: both what torch.save writes
/// and what it never would.
/// </summary>
internal sealed class PickleScript
{
    private readonly List<byte> _bytes = [];

    public PickleScript Proto(byte version) => Raw(0x80, version);
    public PickleScript Frame(long length) => Raw(0x95).Raw(Le64(length));
    public PickleScript Mark() => Raw((byte)'(');
    public PickleScript Stop() => Raw((byte)'.');
    public PickleScript EmptyDict() => Raw((byte)'}');
    public PickleScript EmptyList() => Raw((byte)']');
    public PickleScript EmptyTuple() => Raw((byte)')');
    public PickleScript Tuple() => Raw((byte)'t');
    public PickleScript SetItem() => Raw((byte)'s');
    public PickleScript SetItems() => Raw((byte)'u');
    public PickleScript Reduce() => Raw((byte)'R');
    public PickleScript Build() => Raw((byte)'b');
    public PickleScript BinPersId() => Raw((byte)'Q');
    public PickleScript NewFalse() => Raw(0x89);
    public PickleScript Memoize() => Raw(0x94);
    public PickleScript BinPut(byte slot) => Raw((byte)'q', slot);
    public PickleScript BinGet(byte slot) => Raw((byte)'h', slot);

    public PickleScript Int(long value) => Raw((byte)'J').Raw(Le32((int)value));

    public PickleScript Unicode(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        return Raw((byte)'X').Raw(Le32(utf8.Length)).Raw(utf8);
    }

    public PickleScript ShortUnicode(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        return Raw(0x8c, (byte)utf8.Length).Raw(utf8);
    }

    public PickleScript Global(string module, string name) => Raw((byte)'c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleScript StackGlobal(string module, string name) => ShortUnicode(module).ShortUnicode(name).Raw(0x93);

    public PickleScript Ints(params long[] values)
    {
        Mark();
        foreach (long v in values) Int(v);
        return Tuple();
    }

    /// <summary>A tensor reference exactly as torch.save pickles one (protocol 2).</summary>
    public PickleScript Tensor(string storageType, string key, long storageElements, long offset, long[] size, long[] stride) =>
        Global("torch._utils", "_rebuild_tensor_v2")
            .Mark()
            .Mark().Unicode("storage").Global("torch", storageType).Unicode(key).Unicode("cpu").Int(storageElements).Tuple().BinPersId()
            .Int(offset).Ints(size).Ints(stride).NewFalse().Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple()
            .Reduce();

    public PickleScript Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    /// <summary>A torch.save-style zip: {folder}/data.pkl, {folder}/byteorder and {folder}/data/{key}.</summary>
    public void WriteArchive(string path, string folder = "archive", params (string Key, float[] Values)[] storages)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, $"{folder}/data.pkl", ToArray());
        Add(zip, $"{folder}/byteorder", Encoding.ASCII.GetBytes("little"));
        foreach (var (key, values) in storages)
        {
            var bytes = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            Add(zip, $"{folder}/data/{key}", bytes);
        }
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using Stream s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(bytes);
    }

    private static byte[] Le32(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        return b;
    }

    private static byte[] Le64(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return b;
    }
}
