namespace EventHistory.Cli;

/// Words quoted for a POSIX shell, so a printed command can be pasted back as it is.
public static class Shell
{
    public static string Quote(string word) =>
        word.Length > 0 && word.All(ch => char.IsAsciiLetterOrDigit(ch) || "-_./:=,+@%".Contains(ch)) ? word
            : "'" + word.Replace("'", "'\\''") + "'";
}
