using CrmChatbot.Leads;
using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Users;
using LiteDB;

namespace CrmChatbot.Storage.Tests.LiteDb;

public enum ProbeStage
{
    InProgress,
}

public sealed class UnregisteredEnumState
{
    // Not a CrmChatbot enum: stores refuse it.
    public DayOfWeek Stage { get; set; }
}

public sealed class MappingTests
{
    [Theory]
    [InlineData("OwnerId", "owner_id")]
    [InlineData("CreatedAt", "created_at")]
    [InlineData("IsActive", "is_active")]
    [InlineData("InProgress", "in_progress")]
    [InlineData("New", "new")]
    [InlineData("Id", "id")]
    [InlineData("HTTPStatus", "http_status")]
    [InlineData("Address2Line", "address2_line")]
    [InlineData("already_snake", "already_snake")]
    public void Converts_names_to_snake_case(string name, string expected)
    {
        Assert.Equal(expected, SnakeCase.Convert(name));
    }

    [Fact]
    public void Every_registered_enum_value_round_trips_through_its_snake_case_name()
    {
        Assert.Equal("new", StoredEnums.ToName(LeadStatus.New));
        Assert.Equal("chatbot", StoredEnums.ToName(LeadSource.Chatbot));
        Assert.Equal("agent", StoredEnums.ToName(UserRole.Agent));
        foreach (var type in StoredEnums.Types)
        {
            foreach (Enum value in Enum.GetValues(type))
            {
                var name = StoredEnums.ToName(value);
                Assert.Equal(SnakeCase.Convert(value.ToString()), name);
                Assert.Equal(value, StoredEnums.Parse(type, name));
            }
        }
    }

    [Fact]
    public void Unknown_names_and_unregistered_enums_are_refused()
    {
        Assert.Throws<FormatException>(() => StoredEnums.Parse<LeadStatus>("New"));
        Assert.Throws<FormatException>(() => StoredEnums.Parse<LeadStatus>("bogus"));
        Assert.Throws<InvalidOperationException>(() => StoredEnums.ToName(DayOfWeek.Monday));
        Assert.Throws<ArgumentOutOfRangeException>(() => StoredEnums.ToName((LeadStatus)42));
    }

    [Fact]
    public void The_mapper_refuses_a_state_with_an_unregistered_enum()
    {
        var mapper = LiteDbMapping.CreateMapper();
        Assert.Throws<InvalidOperationException>(() => mapper.ToDocument(new UnregisteredEnumState()));
    }

    [Fact]
    public void The_mapper_keeps_strings_verbatim_and_writes_nulls()
    {
        var mapper = LiteDbMapping.CreateMapper();
        var doc = mapper.ToDocument(new LeadState { Name = "  padded  ", Phone = "", Email = null });

        Assert.Equal("  padded  ", doc["name"].AsString);
        Assert.Equal("", doc["phone"].AsString);
        Assert.True(doc.ContainsKey("email"));
        Assert.True(doc["email"].IsNull);
    }

    [Fact]
    public void The_mapper_stores_dates_as_utc()
    {
        var mapper = LiteDbMapping.CreateMapper();
        var unspecified = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified);
        var local = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Local);

        var a = mapper.ToDocument(new LeadState { CreatedAt = unspecified, UpdatedAt = local });

        Assert.Equal(DateTimeKind.Utc, a["created_at"].AsDateTime.Kind);
        Assert.Equal(unspecified.Ticks, a["created_at"].AsDateTime.Ticks);
        Assert.Equal(local.ToUniversalTime(), a["updated_at"].AsDateTime);
    }

    [Fact]
    public void Reading_tolerates_a_missing_field_by_keeping_the_default()
    {
        var mapper = LiteDbMapping.CreateMapper();
        var state = (LeadState)mapper.Deserialize(typeof(LeadState), new BsonDocument { ["name"] = "Only name" });

        Assert.Equal("Only name", state.Name);
        Assert.Equal(LeadStatus.New, state.Status);
    }
}
