using System.Net;
using CrmChatbot.Api.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace CrmChatbot.Api.Tests.Membership;

public class ClusteringSettingsTests
{
    private const string MongoUrl = "mongodb://127.0.0.1:27017";

    private static CrmSettings Load(params (string Key, string Value)[] values) => CrmSettings.Load(
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(),
        new Env());

    [Fact]
    public void Defaults_are_localhost_clustering_cluster_crm_service_crm_chatbot_and_no_advertised_ip()
    {
        var settings = Load();

        Assert.Equal(ClusteringMode.Localhost, settings.Clustering);
        Assert.Equal("crm", settings.ClusterId);
        Assert.Equal("crm-chatbot", settings.ServiceId);
        Assert.Null(settings.AdvertisedIp);
    }

    [Fact]
    public void With_MONGO_URL_clustering_defaults_to_mongo_and_localhost_stays_choosable()
    {
        Assert.Equal(ClusteringMode.Mongo, Load(("MONGO_URL", MongoUrl)).Clustering);
        Assert.Equal(ClusteringMode.Localhost, Load(("MONGO_URL", MongoUrl), ("CLUSTERING", "localhost")).Clustering);
    }

    [Fact]
    public void Mongo_clustering_with_its_ids_and_advertised_ip_is_read()
    {
        var settings = Load(
            ("MONGO_URL", MongoUrl), ("CLUSTERING", "Mongo"), ("CLUSTER_ID", "prod-1"), ("SERVICE_ID", "crm_x"), ("ADVERTISED_IP", "10.0.0.5"));

        Assert.Equal(ClusteringMode.Mongo, settings.Clustering);
        Assert.Equal("prod-1", settings.ClusterId);
        Assert.Equal("crm_x", settings.ServiceId);
        Assert.Equal(IPAddress.Parse("10.0.0.5"), settings.AdvertisedIp);
        Assert.Equal(IPAddress.IPv6Loopback, Load(("ADVERTISED_IP", "::1")).AdvertisedIp);
    }

    [Fact]
    public void Mongo_clustering_without_MONGO_URL_stops_start_up_with_one_line()
    {
        var error = Assert.Throws<SettingsException>(() => Load(("CLUSTERING", "mongo")));

        Assert.Equal("CLUSTERING=mongo needs MONGO_URL: the membership table lives in MongoDB", error.Message);
    }

    [Theory]
    [InlineData("CLUSTERING", "redis")]
    [InlineData("CLUSTER_ID", "bad id")]
    [InlineData("SERVICE_ID", "a/b")]
    [InlineData("ADVERTISED_IP", "5")]
    [InlineData("ADVERTISED_IP", "example.com")]
    [InlineData("ADVERTISED_IP", "10.0.0.300")]
    public void A_bad_value_stops_start_up_naming_the_variable(string name, string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load(("MONGO_URL", MongoUrl), (name, value)));

        Assert.StartsWith($"{name} '{value}' is invalid", error.Message, StringComparison.Ordinal);
    }

    private sealed class Env : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Development";
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = Directory.GetCurrentDirectory();
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
