#include "sinks/aws_cloudwatch_logs/cwl_sink.hpp"

#include "aws/assume_role_provider.hpp"
#include "aws/default_chain.hpp"
#include "aws/imds_provider.hpp"
#include "runtime/worker_pool.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_delivery.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_event_split.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_router.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace logship {

namespace {

constexpr std::string_view k_default_stream = "%Y-%m-%d.{{ kubernetes.pod_name }}";

struct CwlSettings {
  std::string region;   // "" = AWS_REGION, AWS_DEFAULT_REGION, instance metadata
  std::string endpoint; // "" = AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, AWS_ENDPOINT_URL, AWS
  std::size_t concurrency = 4;
  HttpClientOptions http;
  std::optional<aws::AssumeRoleSettings> role;
  CwlDeliveryPolicy delivery;
};

class CwlSink final : public Sink {
public:
  CwlSink(CwlSettings settings, CwlRouterSettings routing, std::unique_ptr<CwlCounters> counters)
      : m_settings(std::move(settings)), m_counters(std::move(counters)),
        m_router(std::move(routing), *m_counters), m_pool(m_settings.concurrency) {}

  Result<void> write(const Batch& batch) override {
    if (batch.empty()) {
      return {};
    }
    if (m_workers.empty()) {
      if (auto r = start(); !r) {
        return r;
      }
    }
    CwlTimeWindow window;
    window.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    const std::size_t n = m_router.route(batch, window, m_works);
    m_results.assign(n, Result<void>{});
    m_pool.run(n, [&](std::size_t worker, std::size_t i) {
      m_results[i] = m_workers[worker].deliver(m_works[i]);
    });
    for (auto& r : m_results) {
      if (!r) {
        return tl::unexpected(std::move(r.error()));
      }
    }
    return {};
  }

  void cancel() override { m_cancel.cancel(); }

private:
  // Region, endpoint, credentials and connections, on the first batch: instance metadata and
  // STS are network calls, which building a component must not make. An error here is retried
  // by the runtime with backoff, and logged each time.
  Result<void> start() {
    const EnvLookup env = process_env();
    const aws::RegionFallback imds[] = {aws::imds_region_fallback(env)};
    Result<std::string> region = aws::resolve_region(m_settings.region, env, imds);
    if (!region) {
      return make_error("aws_cloudwatch_logs: " + region.error().message);
    }
    Result<aws::Endpoint> endpoint =
        aws::resolve_endpoint(aws::k_cloudwatch_logs, m_settings.endpoint, *region, env);
    if (!endpoint) {
      return make_error("aws_cloudwatch_logs: " + endpoint.error().message);
    }
    std::shared_ptr<aws::CachingProvider> credentials = aws::process_default_credentials();
    if (m_settings.role) {
      Result<aws::StsClient> sts = aws::StsClient::for_region(*region, env);
      if (!sts) {
        return make_error("aws_cloudwatch_logs: " + sts.error().message);
      }
      credentials =
          std::make_shared<aws::CachingProvider>(std::make_unique<aws::AssumeRoleProvider>(
              credentials, *m_settings.role, std::move(*sts)));
    }
    auto connection =
        std::make_shared<const CwlConnection>(*endpoint, *region, std::move(credentials));
    std::vector<CwlDelivery> workers;
    std::random_device seed;
    for (std::size_t i = 0; i < m_pool.workers(); ++i) {
      Result<HttpClient> http = HttpClient::create(m_settings.http);
      if (!http) {
        return make_error("aws_cloudwatch_logs: " + http.error().message);
      }
      workers.emplace_back(CwlClient(connection, std::move(*http)), m_settings.delivery,
                           *m_counters, m_cancel, (std::uint64_t{seed()} << 32) | seed());
    }
    m_workers = std::move(workers);
    spdlog::info("aws_cloudwatch_logs: shipping to {} (region {}), {} connection(s).",
                 connection->url, *region, m_workers.size());
    return {};
  }

  CwlSettings m_settings;
  std::unique_ptr<CwlCounters> m_counters;
  CwlRouter m_router;
  WorkerPool m_pool;
  CancelSignal m_cancel;
  std::vector<CwlDelivery> m_workers;
  std::vector<CwlStreamWork> m_works;
  std::vector<Result<void>> m_results;
};

std::optional<EventTemplate> read_template(OptionReader& options, const std::string& key,
                                           std::optional<std::string_view> fallback) {
  std::optional<std::string> text = options.get_optional_string(key);
  if (!text && !fallback) {
    options.error(key, "is required (a log group name or template, e.g. \"/k8s/{{ "
                       "kubernetes.namespace_name }}\")");
    return std::nullopt;
  }
  const std::string value = text ? *text : std::string(*fallback);
  if (value.empty()) {
    options.error(key, "must not be empty");
    return std::nullopt;
  }
  Result<EventTemplate> t = EventTemplate::parse(value);
  if (!t) {
    options.error(key, t.error().message);
    return std::nullopt;
  }
  return std::move(*t);
}

std::unique_ptr<Sink> make(OptionReader& options, const BuildContext& ctx) {
  CwlSettings s;
  auto group = read_template(options, "group", std::nullopt);
  auto stream = read_template(options, "stream", k_default_stream);
  s.region = options.get_string("region", "");
  s.endpoint = options.get_string("endpoint", "");
  if (!s.endpoint.empty()) {
    if (auto e = aws::parse_endpoint(s.endpoint); !e) {
      options.error("endpoint", e.error().message);
    }
  }
  s.concurrency = static_cast<std::size_t>(options.get_int("concurrency", 4, 1, 64));
  s.http.connect_timeout =
      std::chrono::milliseconds(options.get_int("connect_timeout_ms", 5'000, 100, 600'000));
  s.http.request_timeout =
      std::chrono::milliseconds(options.get_int("request_timeout_ms", 30'000, 100, 600'000));
  s.http.ca_file = options.get_string("tls_ca_file", "");
  if (auto role_arn = options.get_optional_string("role_arn")) {
    aws::AssumeRoleSettings role;
    role.role_arn = *role_arn;
    role.external_id = options.get_optional_string("external_id");
    role.session_name = options.get_string("role_session_name", "");
    s.role = std::move(role);
  } else if (options.get_optional_string("external_id")) {
    options.error("external_id", "needs role_arn");
  }
  s.delivery.create_missing_group = options.get_bool("create_missing_group", false);
  if (options.get_node("retention_in_days")) {
    const auto days = static_cast<int>(options.get_int("retention_in_days", 0, 1, 3653));
    if (!is_valid_cwl_retention_days(days)) {
      options.error("retention_in_days",
                    "must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, "
                    "731, 1096, 1827, 2192, 2557, 2922, 3288, 3653");
    } else if (!s.delivery.create_missing_group) {
      options.error("retention_in_days",
                    "applies to groups the sink creates: set create_missing_group: true");
    }
    s.delivery.retention_in_days = days;
  }
  s.delivery.backoff.base =
      std::chrono::milliseconds(options.get_int("retry_initial_backoff_ms", 200, 1, 60'000));
  s.delivery.backoff.cap =
      std::chrono::milliseconds(options.get_int("retry_max_backoff_ms", 30'000, 1, 600'000));

  CwlRouterSettings r;
  r.encoding = options.get_enum("encoding", "json", {"json", "text"}) == "text" ? CwlEncoding::text
                                                                                : CwlEncoding::json;
  r.max_event_bytes = static_cast<std::size_t>(
      options.get_int("max_event_bytes", static_cast<std::int64_t>(k_cwl_max_event_bytes), 64,
                      static_cast<std::int64_t>(k_cwl_max_event_bytes)));
  r.fallback_group = options.get_optional_string("fallback_group");
  r.fallback_stream = options.get_string("fallback_stream", "logship-unrouted");
  if (!group || !stream) {
    return nullptr;
  }
  r.group = std::move(*group);
  r.stream = std::move(*stream);
  return std::make_unique<CwlSink>(std::move(s), std::move(r),
                                   std::make_unique<CwlCounters>(ctx.metrics, ctx.id));
}

} // namespace

const SinkDescriptor k_aws_cloudwatch_logs_sink{
    "aws_cloudwatch_logs",
    "Ships records to AWS CloudWatch Logs (PutLogEvents, SigV4, the AWS credential chain).", &make};

} // namespace logship
