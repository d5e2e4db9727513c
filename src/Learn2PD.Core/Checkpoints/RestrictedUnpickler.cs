using System.Buffers.Binary;
using System.Text;
using TorchSharp;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// A pickle machine that can build a PyTorch state dict and nothing else. It never imports or calls
/// anything: the three kinds of allowed globals (<c>collections OrderedDict</c>,
/// <c>torch._utils _rebuild_tensor_v2</c>, <c>torch XxxStorage</c>) are recognised by name and turned
/// into plain records. Any other global, and any opcode a state dict does not need, is refused with an
/// error naming the file, the global or opcode, and its byte offset in <c>data.pkl</c>.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private static readonly Dictionary<string, torch.ScalarType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = torch.ScalarType.Float32,
        ["DoubleStorage"] = torch.ScalarType.Float64,
        ["HalfStorage"] = torch.ScalarType.Float16,
        ["BFloat16Storage"] = torch.ScalarType.BFloat16,
        ["LongStorage"] = torch.ScalarType.Int64,
        ["IntStorage"] = torch.ScalarType.Int32,
        ["ShortStorage"] = torch.ScalarType.Int16,
        ["CharStorage"] = torch.ScalarType.Int8,
        ["ByteStorage"] = torch.ScalarType.Byte,
        ["BoolStorage"] = torch.ScalarType.Bool,
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _path;
    private readonly byte[] _pickle;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;
    private int _at;

    private RestrictedUnpickler(string path, byte[] pickle)
    {
        _path = path;
        _pickle = pickle;
    }

    /// <summary>Runs <c>data.pkl</c>; the result holds only PickleDict, PickleTuple, TensorSpec and primitives.</summary>
    public static object? Run(string path, byte[] pickle) => new RestrictedUnpickler(path, pickle).Run();

    private object? Run()
    {
        while (true)
        {
            _at = _pos;
            var op = (PickleOpcode)ReadByte();
            switch (op)
            {
                case PickleOpcode.PROTO:
                    int protocol = ReadByte();
                    if (protocol is < 2 or > 5) throw Fail($"pickle protocol {protocol} is not one torch.save writes");
                    break;
                case PickleOpcode.FRAME:
                    Read(8); // framing only groups opcodes for buffered I/O
                    break;
                case PickleOpcode.STOP:
                    return Pop();
                case PickleOpcode.MARK:
                    _marks.Push(_stack.Count);
                    break;

                case PickleOpcode.NONE: Push(null); break;
                case PickleOpcode.NEWTRUE: Push(true); break;
                case PickleOpcode.NEWFALSE: Push(false); break;
                case PickleOpcode.BININT1: Push((long)ReadByte()); break;
                case PickleOpcode.BININT2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Read(2))); break;
                case PickleOpcode.BININT: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Read(4))); break;
                case PickleOpcode.LONG1: Push(ReadLong1()); break;
                case PickleOpcode.SHORT_BINUNICODE: Push(ReadString(ReadByte())); break;
                case PickleOpcode.BINUNICODE: Push(ReadString(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))); break;
                case PickleOpcode.BINUNICODE8: Push(ReadString(BinaryPrimitives.ReadUInt64LittleEndian(Read(8)))); break;

                case PickleOpcode.EMPTY_DICT: Push(new PickleDict()); break;
                case PickleOpcode.EMPTY_TUPLE: Push(PickleTuple.Empty); break;
                case PickleOpcode.TUPLE: Push(new PickleTuple(PopToMark())); break;
                case PickleOpcode.TUPLE1: Push(new PickleTuple(PopMany(1))); break;
                case PickleOpcode.TUPLE2: Push(new PickleTuple(PopMany(2))); break;
                case PickleOpcode.TUPLE3: Push(new PickleTuple(PopMany(3))); break;

                case PickleOpcode.SETITEM:
                {
                    object? value = Pop();
                    object? key = Pop();
                    SetItem(PeekDict(op), key, value);
                    break;
                }
                case PickleOpcode.SETITEMS:
                {
                    object?[] items = PopToMark();
                    if (items.Length % 2 != 0) throw Fail("SETITEMS with an odd number of items");
                    PickleDict dict = PeekDict(op);
                    for (int i = 0; i < items.Length; i += 2) SetItem(dict, items[i], items[i + 1]);
                    break;
                }

                case PickleOpcode.GLOBAL:
                {
                    string module = ReadLine();
                    string name = ReadLine();
                    Push(Resolve(module, name));
                    break;
                }
                case PickleOpcode.STACK_GLOBAL:
                {
                    object? name = Pop();
                    object? module = Pop();
                    if (module is not string m || name is not string n) throw Fail("STACK_GLOBAL needs two strings");
                    Push(Resolve(m, n));
                    break;
                }
                case PickleOpcode.BINPERSID: Push(Storage(Pop())); break;
                case PickleOpcode.REDUCE:
                {
                    object? args = Pop();
                    object? callable = Pop();
                    Push(Call(callable, args));
                    break;
                }
                case PickleOpcode.BUILD:
                    // torch.save sets the state dict's `_metadata` attribute (module versions) this way; not needed.
                    Pop();
                    if (Peek() is not PickleDict) throw Fail($"BUILD on {Describe(Peek())}; only an OrderedDict's state is accepted");
                    break;

                case PickleOpcode.BINPUT: _memo[ReadByte()] = Peek(); break;
                case PickleOpcode.LONG_BINPUT: _memo[BinaryPrimitives.ReadUInt32LittleEndian(Read(4))] = Peek(); break;
                case PickleOpcode.MEMOIZE: _memo[_memo.Count] = Peek(); break;
                case PickleOpcode.BINGET: Push(Recall(ReadByte())); break;
                case PickleOpcode.LONG_BINGET: Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))); break;

                default:
                    string opName = Enum.IsDefined(op) ? op.ToString() : "unknown";
                    throw Fail($"refusing pickle opcode {opName} (0x{(byte)op:x2}): a state dict does not need it");
            }
        }
    }

    private PickleGlobal Resolve(string module, string name)
    {
        if (module == "collections" && name == "OrderedDict")
            return new PickleGlobal(module, name, PickleGlobalKind.OrderedDict);
        if (module == "torch._utils" && name == "_rebuild_tensor_v2")
            return new PickleGlobal(module, name, PickleGlobalKind.RebuildTensorV2);
        // torch.cuda.XxxStorage appears in files saved from GPU tensors; the bytes are the same.
        if (module is "torch" or "torch.cuda" && StorageTypes.TryGetValue(name, out var dtype))
            return new PickleGlobal(module, name, PickleGlobalKind.StorageType, dtype);
        throw Fail($"refusing pickle global '{module} {name}': only a state dict's OrderedDict, _rebuild_tensor_v2 and storage types are allowed");
    }

    /// <summary>A persistent id <c>("storage", storage_type, key, location, numel)</c>.</summary>
    private StorageRef Storage(object? pid)
    {
        if (pid is not PickleTuple { Items: ["storage", PickleGlobal { Kind: PickleGlobalKind.StorageType } type, string key, string, long count] })
            throw Fail($"persistent id {Describe(pid)} is not a (\"storage\", type, key, location, numel) tuple");
        if (key.Length == 0 || !key.All(char.IsAsciiLetterOrDigit))
            throw Fail($"storage key '{key}' is not a plain archive name");
        if (count < 0) throw Fail($"storage '{key}' has {count} elements");
        return new StorageRef(key, type.StorageDtype!.Value, count);
    }

    private object Call(object? callable, object? args)
    {
        if (args is not PickleTuple tuple) throw Fail($"REDUCE arguments are {Describe(args)}, not a tuple");
        switch (callable)
        {
            case PickleGlobal { Kind: PickleGlobalKind.OrderedDict }:
                if (tuple.Items.Length != 0) throw Fail("OrderedDict(...) with arguments");
                return new PickleDict();
            case PickleGlobal { Kind: PickleGlobalKind.RebuildTensorV2 }:
                return RebuildTensor(tuple.Items);
            default:
                throw Fail($"REDUCE calls {Describe(callable)}, which is not callable here");
        }
    }

    /// <summary><c>_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata])</c>.</summary>
    private TensorSpec RebuildTensor(object?[] args)
    {
        if (args is not [StorageRef storage, long offset, PickleTuple size, PickleTuple stride, bool, PickleDict hooks, ..] || args.Length > 7)
            throw Fail("_rebuild_tensor_v2 arguments are not (storage, offset, size, stride, requires_grad, hooks[, metadata])");
        if (hooks.Items.Count != 0) throw Fail("tensor with backward hooks");
        if (args.Length == 7 && args[6] is not (null or PickleDict { Items.Count: 0 })) throw Fail("tensor with subclass metadata");

        long[] shape = Longs(size, "size");
        long[] strides = Longs(stride, "stride");
        if (shape.Length != strides.Length) throw Fail($"tensor size has {shape.Length} dimensions, stride {strides.Length}");
        if (offset < 0) throw Fail($"tensor storage offset {offset}");
        try
        {
            // The view's last element must lie inside the storage.
            long last = offset;
            bool empty = false;
            for (int i = 0; i < shape.Length; i++)
            {
                empty |= shape[i] == 0;
                last = checked(last + (shape[i] - 1) * strides[i]);
            }
            if (!empty && last >= storage.ElementCount)
                throw Fail($"tensor of size {TensorEntry.FormatShape(shape)} reaches element {last} of storage '{storage.Key}', which has {storage.ElementCount}");
        }
        catch (OverflowException)
        {
            throw Fail($"tensor of size {TensorEntry.FormatShape(shape)} overflows");
        }
        return new TensorSpec(storage, offset, shape, strides);
    }

    private long[] Longs(PickleTuple tuple, string what)
    {
        var result = new long[tuple.Items.Length];
        for (int i = 0; i < result.Length; i++)
        {
            if (tuple.Items[i] is not long v || v < 0) throw Fail($"tensor {what} {Describe(tuple.Items[i])} is not a non-negative integer");
            result[i] = v;
        }
        return result;
    }

    private void SetItem(PickleDict dict, object? key, object? value)
    {
        if (key is not string name) throw Fail($"dict key {Describe(key)} is not a string");
        dict.Set(name, value);
    }

    private PickleDict PeekDict(PickleOpcode op) =>
        Peek() as PickleDict ?? throw Fail($"{op} on {Describe(Peek())}, not a dict");

    private object? Recall(long index) =>
        _memo.TryGetValue(index, out object? value) ? value : throw Fail($"memo slot {index} read before it was written");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count <= _marks.Peek())) throw Fail("stack underflow");
        return _stack[^1];
    }

    private object? Pop()
    {
        object? value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object?[] PopMany(int count)
    {
        var items = new object?[count];
        for (int i = count - 1; i >= 0; i--) items[i] = Pop();
        return items;
    }

    private object?[] PopToMark()
    {
        if (_marks.Count == 0) throw Fail("no MARK to pop to");
        int mark = _marks.Pop();
        object?[] items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private byte ReadByte() => Read(1)[0];

    private ReadOnlySpan<byte> Read(ulong count)
    {
        if (count > (ulong)(_pickle.Length - _pos)) throw Fail("pickle ends early");
        var span = _pickle.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private long ReadLong1()
    {
        int count = ReadByte();
        if (count > 8) throw Fail($"integer of {count} bytes is too large");
        ReadOnlySpan<byte> bytes = Read((ulong)count);
        long value = 0;
        for (int i = count - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (count is > 0 and < 8 && (bytes[count - 1] & 0x80) != 0) value -= 1L << (8 * count); // two's complement
        return value;
    }

    private string ReadString(ulong length)
    {
        try
        {
            return StrictUtf8.GetString(Read(length));
        }
        catch (DecoderFallbackException)
        {
            throw Fail("string is not valid UTF-8");
        }
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_pickle, (byte)'\n', _pos);
        if (end < 0 || end - _pos > 256) throw Fail("GLOBAL name is not a short line");
        string line = Encoding.ASCII.GetString(_pickle, _pos, end - _pos);
        _pos = end + 1;
        return line;
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"the string '{s}'",
        long n => $"the integer {n}",
        bool b => b ? "True" : "False",
        PickleTuple t => $"a {t.Items.Length}-tuple",
        PickleDict => "a dict",
        PickleGlobal g => $"'{g.Module} {g.Name}'",
        StorageRef s => $"storage '{s.Key}'",
        TensorSpec => "a tensor",
        _ => value.GetType().Name,
    };

    private Learn2PdException Fail(string message) => new($"{_path}: {message} (data.pkl byte {_at})");
}
