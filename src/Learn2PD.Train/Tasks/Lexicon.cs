namespace Learn2PD.Train.Tasks;

internal sealed record Person(string Name, bool IsFemale)
{
    public string Subject => IsFemale ? "she" : "he";
    public string SubjectCapital => IsFemale ? "She" : "He";
}

/// <summary>A countable noun whose plural is the singular plus "s", so "1 pencil" / "2 pencils" stays regular.</summary>
internal sealed record Noun(string Singular, string Plural)
{
    public Noun(string singular) : this(singular, singular + "s") { }

    public string For(int count) => count == 1 ? Singular : Plural;
    public string Count(int count) => $"{count} {For(count)}";
}

/// <summary>The words problems are built from; names of different lengths so answers vary in length.</summary>
internal static class Lexicon
{
    public static readonly IReadOnlyList<Person> People =
    [
        new("Mia", true), new("Leo", false), new("Ava", true), new("Max", false), new("Zoe", true),
        new("Sam", false), new("Eva", true), new("Ben", false), new("Lily", true), new("Liam", false),
        new("Emma", true), new("Noah", false), new("Ella", true), new("Jack", false), new("Ruby", true),
        new("Owen", false), new("Nora", true), new("Luke", false), new("Chloe", true), new("Henry", false),
        new("Grace", true), new("Lucas", false), new("Sophia", true), new("Oliver", false), new("Olivia", true),
        new("Daniel", false), new("Amelia", true), new("Samuel", false), new("Isabella", true), new("Benjamin", false),
    ];

    public static readonly IReadOnlyList<Noun> Items =
    [
        new("pencil"), new("apple"), new("marble"), new("sticker"), new("book"),
        new("cookie"), new("card"), new("shell"), new("coin"), new("balloon"),
        new("toy"), new("stamp"), new("crayon"), new("orange"), new("egg"),
        new("button"), new("rock"), new("cupcake"), new("pen"), new("flower"),
    ];

    public static readonly IReadOnlyList<Noun> Containers =
    [
        new("bag"), new("box", "boxes"), new("pack"), new("jar"), new("basket"), new("tray"),
    ];
}
