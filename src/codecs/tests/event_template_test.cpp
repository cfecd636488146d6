#include "codecs/event_template.hpp"
#include "core/batch.hpp"

#include <gtest/gtest.h>
#include <limits>

namespace logship {
namespace {

// 2024-02-29T13:05:09.5Z
constexpr std::int64_t k_leap_day_ns = 1709211909'500'000'000;

std::string render(std::string_view tmpl, const Event& e) {
  auto t = EventTemplate::parse(tmpl);
  EXPECT_TRUE(t.has_value()) << tmpl;
  std::string out;
  auto r = t->render(e, out);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return out;
}

TEST(EventTemplate, LiteralTextIsStatic) {
  Batch b;
  Event& e = b.add_event();
  auto t = EventTemplate::parse("/k8s/app-logs 100%%");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_static());
  std::string out = "x:";
  ASSERT_TRUE(t->render(e, out));
  EXPECT_EQ(out, "x:/k8s/app-logs 100%"); // appends
  EXPECT_EQ(render("", e), "");
}

TEST(EventTemplate, InsertsFieldsByDottedPath) {
  Batch b;
  Event& e = b.add_event();
  Map* k8s = b.new_map();
  k8s->push_back({"pod_name", Value::string("web-1")});
  k8s->push_back({"restarts", Value::integer(-3)});
  e.fields.push_back({"kubernetes", Value::map(k8s)});
  e.fields.push_back({"ok", Value::boolean(true)});
  e.fields.push_back({"ratio", Value::floating(0.25)});
  e.fields.push_back({"app", Value::string("a \"b\"")});
  auto t = EventTemplate::parse("{{kubernetes.pod_name}}.{{ kubernetes.restarts }}");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->is_static());
  EXPECT_EQ(render("{{kubernetes.pod_name}}.{{ kubernetes.restarts }}", e), "web-1.-3");
  EXPECT_EQ(render("{{ok}}/{{ratio}}/{{app}}", e), "true/0.25/a \"b\"");
  EXPECT_EQ(render("{{   app}}", e), "a \"b\"");
  EXPECT_EQ(render("a}}b{", e), "a}}b{"); // lone braces are text
}

TEST(EventTemplate, MissingAndNonScalarFieldsFailNamingTheField) {
  Batch b;
  Event& e = b.add_event();
  Map* k8s = b.new_map();
  e.fields.push_back({"kubernetes", Value::map(k8s)});
  e.fields.push_back({"tags", Value::array(b.new_array())});
  e.fields.push_back({"nothing", Value()});
  auto expect_fail = [&](std::string_view tmpl, std::string_view reason) {
    auto t = EventTemplate::parse(tmpl);
    ASSERT_TRUE(t) << tmpl;
    std::string out = "keep";
    auto r = t->render(e, out);
    ASSERT_FALSE(r) << tmpl;
    EXPECT_EQ(r.error().message, reason);
    EXPECT_EQ(out, "keep"); // left as it was
  };
  expect_fail("x-{{kubernetes.pod_name}}", "field kubernetes.pod_name is missing");
  expect_fail("{{kubernetes}}", "field kubernetes is a map");
  expect_fail("{{tags}}-%Y", "field tags is an array");
  expect_fail("{{nothing}}", "field nothing is null");
  expect_fail("{{kubernetes.pod_name.x}}", "field kubernetes.pod_name.x is missing");
}

TEST(EventTemplate, FormatsTheEventTimeInUtc) {
  Batch b;
  Event& e = b.add_event();
  e.time_ns = k_leap_day_ns;
  EXPECT_EQ(render("%Y-%m-%d %H:%M:%S", e), "2024-02-29 13:05:09");
  EXPECT_EQ(render("%F.pod", e), "2024-02-29.pod");
  auto t = EventTemplate::parse("%F");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->is_static());
  e.time_ns = 0;
  EXPECT_EQ(render("%F %H:%M:%S", e), "1970-01-01 00:00:00");
  e.time_ns = -1; // one nanosecond before the epoch
  EXPECT_EQ(render("%F %H:%M:%S", e), "1969-12-31 23:59:59");
  e.time_ns = 4107542400'000'000'000; // 2100 is not a leap year
  EXPECT_EQ(render("%F %H:%M:%S", e), "2100-03-01 00:00:00");
  e.time_ns = -2208988800'000'000'000;
  EXPECT_EQ(render("%F %H:%M:%S", e), "1900-01-01 00:00:00");
  e.time_ns = std::numeric_limits<std::int64_t>::max(); // 2262-04-11T23:47:16Z
  EXPECT_EQ(render("%F %H:%M:%S", e), "2262-04-11 23:47:16");
  e.time_ns = 951782400'000'000'000; // 2000-02-29T00:00:00Z
  EXPECT_EQ(render("%F", e), "2000-02-29");
}

TEST(EventTemplate, ParseErrorsAreClear) {
  auto err = [](std::string_view tmpl) {
    auto t = EventTemplate::parse(tmpl);
    EXPECT_FALSE(t) << tmpl;
    return t ? std::string() : t.error().message;
  };
  EXPECT_NE(err("abc{{pod").find("unclosed {{ at offset 3"), std::string::npos);
  EXPECT_NE(err("{{}}").find("empty field path"), std::string::npos);
  EXPECT_NE(err("{{  }}").find("empty field path"), std::string::npos);
  EXPECT_NE(err("%Y-%j").find("unknown time specifier %j"), std::string::npos);
  EXPECT_NE(err("100%").find("'%' at the end"), std::string::npos);
  EXPECT_NE(err("{{a..b}}").find("invalid field path"), std::string::npos);
  EXPECT_NE(err("{{a b}}").find("invalid field path"), std::string::npos);
}

TEST(EventTemplate, RenderReusesTheCallersBuffer) {
  Batch b;
  Event& e = b.add_event();
  e.fields.push_back({"pod", Value::string("web-1")});
  e.time_ns = k_leap_day_ns;
  auto t = EventTemplate::parse("%F.{{pod}}");
  ASSERT_TRUE(t);
  std::string out;
  out.reserve(64);
  const char* data = out.data();
  for (int i = 0; i < 100; ++i) {
    out.clear();
    ASSERT_TRUE(t->render(e, out));
  }
  EXPECT_EQ(out, "2024-02-29.web-1");
  EXPECT_EQ(out.data(), data);
  EXPECT_EQ(t->text(), "%F.{{pod}}");
}

// Events whose inputs are the same (same field bytes, same time unit) render the same text; the
// inputs tell apart what renders differently, and give up on what they cannot compare.
TEST(EventTemplate, InputsTellWhenTwoEventsRenderAlike) {
  Batch b;
  Map* shared = b.new_map();
  shared->push_back({"pod_name", Value::string(b.copy("web-1"))});
  shared->push_back({"restarts", Value::integer(2)});
  auto add = [&](std::int64_t ns, Map* k8s) -> Event& {
    Event& e = b.add_event();
    e.time_ns = ns;
    e.fields.push_back({"kubernetes", Value::map(k8s)});
    return e;
  };
  Map* copy = b.new_map(); // the same content in other bytes
  copy->push_back({"pod_name", Value::string(b.copy("web-1"))});
  constexpr std::int64_t k_hour = 3600'000'000'000;
  const Event& first = add(k_leap_day_ns, shared);
  const Event& later_that_day = add(k_leap_day_ns + 5 * k_hour, shared);
  const Event& next_day = add(k_leap_day_ns + 11 * k_hour, shared);
  const Event& same_text = add(k_leap_day_ns, copy);
  const Event& before_epoch = add(-1, shared);
  const Event& at_epoch = add(0, shared);

  const auto daily = EventTemplate::parse("%Y-%m-%d.{{ kubernetes.pod_name }}").value();
  const auto hourly = EventTemplate::parse("%H.{{ kubernetes.pod_name }}").value();
  EXPECT_TRUE(daily.inputs(first).same_as(daily.inputs(later_that_day)));
  EXPECT_FALSE(daily.inputs(first).same_as(daily.inputs(next_day)));
  EXPECT_FALSE(hourly.inputs(first).same_as(hourly.inputs(later_that_day)));
  EXPECT_FALSE(daily.inputs(first).same_as(daily.inputs(same_text))); // only where, not what
  EXPECT_FALSE(daily.inputs(before_epoch).same_as(daily.inputs(at_epoch)));
  // Whenever the inputs are the same, so is the text.
  const Event* all[] = {&first, &later_that_day, &next_day, &same_text, &before_epoch, &at_epoch};
  for (const auto* t : {&daily, &hourly}) {
    for (const Event* x : all) {
      for (const Event* y : all) {
        if (t->inputs(*x).same_as(t->inputs(*y))) {
          std::string a;
          std::string c;
          ASSERT_TRUE(t->render(*x, a));
          ASSERT_TRUE(t->render(*y, c));
          EXPECT_EQ(a, c);
        }
      }
    }
  }
  // Incomplete: a missing or non-string field, or too many fields to keep.
  EXPECT_FALSE(daily.inputs(b.add_event()).complete);
  const auto restarts = EventTemplate::parse("{{ kubernetes.restarts }}").value();
  EXPECT_FALSE(restarts.inputs(first).complete);
  const auto many = EventTemplate::parse("{{ a }}{{ a }}{{ a }}{{ a }}{{ a }}").value();
  Event& with_a = b.add_event();
  with_a.fields.push_back({"a", Value::string("x")});
  EXPECT_FALSE(many.inputs(with_a).complete);
  EXPECT_FALSE(daily.inputs(first).same_as(EventTemplate::Inputs{}));
}

} // namespace
} // namespace logship
