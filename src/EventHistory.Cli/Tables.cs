using Spectre.Console;
using Spectre.Console.Rendering;

namespace EventHistory.Cli;

/// Tables through Spectre.Console: columns as wide as their longest cell, so a long editor name
/// never shifts the columns after it. On a terminal: rounded borders, bold headers when coloured,
/// cells wrapped to the window. Redirected: plain text a script can split, no borders, no escape
/// codes, never wrapped (lines as long as their content).
public static class Tables
{
    public static Table Create(CommandContext c, params string[] headers)
    {
        var table = new Table { Border = c.OutputIsTerminal ? TableBorder.Rounded : TableBorder.None };
        foreach (var header in headers)
            table.AddColumn(new TableColumn(c.Colour ? new Markup($"[bold]{Markup.Escape(header)}[/]") : new Text(header)));
        if (!c.OutputIsTerminal)
            // Two spaces between columns, none before the first: the lines start with their first cell.
            foreach (var column in table.Columns) column.Padding(0, 0, column == table.Columns[^1] ? 0 : 2, 0);
        return table;
    }

    /// Cells as plain text: a headline's [brackets] are not Spectre markup.
    public static Table Row(this Table table, params string[] cells) =>
        table.AddRow(cells.Select(cell => (IRenderable)new Text(cell)));

    public static void Write(CommandContext c, Table table)
    {
        if (c.OutputIsTerminal)
        {
            Console(c.Output, c.Colour, terminal: true).Write(table);
            return;
        }
        // Redirected: the cells' padding is cut at each line's end (a script sees no trailing blanks).
        var text = new StringWriter();
        Console(text, c.Colour, terminal: false).Write(table);
        foreach (var line in text.ToString().Split('\n').SkipLast(1)) c.Output.WriteLine(line.TrimEnd());
    }

    /// A Spectre console writing to <paramref name="writer"/>: ANSI only when colour is wanted.
    public static IAnsiConsole Console(TextWriter writer, bool colour, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!terminal) console.Profile.Width = 100_000;
        return console;
    }
}
