using CrmChatbot.Imports;
using CrmChatbot.Leads;

namespace CrmChatbot.Grains.Tests.Imports;

public class ImportRowReaderTests
{
    private static readonly string[] Fields = ["name", "email", "phone", "status", "source", "notes"];

    private static ImportRow Row(params string?[] values) => new() { Row = 7, Values = [.. values] };

    [Fact]
    public void Reads_cells_as_lead_fields_with_empty_cells_absent_and_contact_keys_normalized()
    {
        var (lead, errors) = ImportRowReader.Read(Fields, Row("Ada", " ADA@Example.com ", "+1 (555) 010-0000", "Qualified", "event", ""));

        Assert.Null(errors);
        Assert.Equal(new NewLead("Ada", " ADA@Example.com ", "+1 (555) 010-0000", Status: LeadStatus.Qualified, Source: LeadSource.Event), lead!.Lead);
        Assert.Equal(("email:ada@example.com", "phone:+15550100000"), (lead.EmailKey, lead.PhoneKey));
        Assert.True(lead.Patch.Name.HasValue);
        Assert.False(lead.Patch.Notes.HasValue); // an empty cell leaves the field alone in an update
    }

    [Theory]
    [InlineData("'=SUM(A1)", "=SUM(A1)")]
    [InlineData("'+1 555 010 0000", "+1 555 010 0000")]
    [InlineData("'-3", "-3")]
    [InlineData("'@x", "@x")]
    [InlineData("'plain", "'plain")] // only the export's protection is removed
    [InlineData("   ", null)]
    [InlineData("", null)]
    public void A_leading_quote_before_a_formula_character_is_the_exports_protection_and_is_removed(string raw, string? expected)
    {
        Assert.Equal(expected, ImportRowReader.Cell(raw));
    }

    [Fact]
    public void Unknown_enum_values_and_unreadable_rows_are_field_errors()
    {
        var (lead, errors) = ImportRowReader.Read(Fields, Row("Ada", null, null, "warm", "fax", null));
        Assert.Null(lead);
        Assert.Equal(["source", "status"], errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("qualified", errors["status"][0], StringComparison.Ordinal);

        var (_, rowErrors) = ImportRowReader.Read(Fields, new ImportRow { Row = 3, Problem = "has 9 cells, the header has 6" });
        Assert.Equal(["has 9 cells, the header has 6"], rowErrors!["row"]);
    }

    [Fact]
    public void A_rows_lead_id_is_a_plausible_id_fixed_by_import_and_row()
    {
        var id = ImportNames.LeadId("import-a", 12);
        Assert.Equal(id, ImportNames.LeadId("import-a", 12));
        Assert.NotEqual(id, ImportNames.LeadId("import-a", 13));
        Assert.NotEqual(id, ImportNames.LeadId("import-b", 12));
        Assert.True(Guid.TryParse(id, out var guid));
        Assert.Equal(8, guid.Version);
    }
}
