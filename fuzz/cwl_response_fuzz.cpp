// Fuzzes how the aws_cloudwatch_logs sink reads CloudWatch Logs answers (server answers are
// untrusted input): the PutLogEvents success body and the classification of error answers
// (JSON, XML from the AWS front end, or anything a proxy sends).
//
// The whole input is a PutLogEvents body; when it parses, CwlRejectedEvents::count(n) must equal
// the number of events is_rejected() names, for every batch size up to a few hundred. Then the
// input is read as an error answer: two bytes of HTTP status, an X-Amzn-ErrorType header up to
// the first '\n', and the body; the code taken from the header or a JSON body is normalized
// (no ':' and no '#' left) and taken from the header when it names one, and the class is one of
// the known ones.

#include "fuzz_support.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_response.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace logship;

void check_counts(const CwlRejectedEvents& r) {
  std::size_t brute = 0;
  for (std::size_t n = 0; n <= 300; ++n) {
    LOGSHIP_FUZZ_CHECK(r.count(n) == brute);
    brute += r.is_rejected(n) ? 1 : 0;
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto r = parse_put_log_events_response(input)) {
    check_counts(*r);
  }
  if (size < 2) {
    return 0;
  }
  const int status = 100 + (data[0] << 8 | data[1]) % 500;
  std::string_view rest = input.substr(2);
  const std::size_t nl = rest.find('\n');
  const std::string_view header = rest.substr(0, nl);
  const std::string_view body =
      nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  for (const std::string_view h : {header, std::string_view{}}) {
    const CwlError e = classify_cwl_error(status, h, body);
    LOGSHIP_FUZZ_CHECK(e.http_status == status);
    LOGSHIP_FUZZ_CHECK(!to_string(e.kind).empty());
    if (!normalize_aws_error_code(h).empty()) {
      LOGSHIP_FUZZ_CHECK(e.code == normalize_aws_error_code(h)); // the header wins over the body
    }
  }
  const std::string_view code = normalize_aws_error_code(header);
  LOGSHIP_FUZZ_CHECK(code.find(':') == std::string_view::npos);
  LOGSHIP_FUZZ_CHECK(code.find('#') == std::string_view::npos);
  LOGSHIP_FUZZ_CHECK(normalize_aws_error_code(code) == code);
  return 0;
}
