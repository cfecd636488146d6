// Fuzzes the readers of credential answers (untrusted: they come from servers): STS's XML
// (AssumeRole / AssumeRoleWithWebIdentity results and errors) and the JSON credentials document
// of the ECS/EKS container endpoint and IMDS (parse_credentials_json, a pure function).
//
// Checked: entity decoding never makes text longer and leaves text without '&' unchanged; an
// element's content is a view into the document; parsed credentials have every part; an STS
// error message names a missing element and quotes nothing from the answer.

#include "aws/credentials_http.hpp"
#include "aws/sts_xml.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace logship::aws;

void check_element(std::string_view doc, std::string_view tag) {
  if (const auto raw = xml_element(doc, tag)) {
    LOGSHIP_FUZZ_CHECK(raw->empty() || (raw->data() >= doc.data() &&
                                        raw->data() + raw->size() <= doc.data() + doc.size()));
    const std::string text = xml_unescape(*raw);
    LOGSHIP_FUZZ_CHECK(text.size() <= raw->size());
    if (raw->find('&') == std::string_view::npos) {
      LOGSHIP_FUZZ_CHECK(text == *raw);
    }
    LOGSHIP_FUZZ_CHECK(xml_text(doc, tag) == text);
  } else {
    LOGSHIP_FUZZ_CHECK(!xml_text(doc, tag));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view doc(reinterpret_cast<const char*>(data), size);
  for (const std::string_view tag : {"Credentials", "AccessKeyId", "SecretAccessKey",
                                     "SessionToken", "Expiration", "Error", "Code", "Message"}) {
    check_element(doc, tag);
  }
  if (auto c = parse_sts_credentials(doc)) {
    LOGSHIP_FUZZ_CHECK(!c->access_key_id.empty() && !c->secret_access_key.empty());
    LOGSHIP_FUZZ_CHECK(!c->session_token.empty() && c->expiration.has_value());
  } else {
    // Errors name the missing element, never a value from the answer (it may hold a secret).
    const std::string_view message = c.error().message;
    LOGSHIP_FUZZ_CHECK(message.starts_with("the STS answer has no ") && message.size() < 64);
  }
  (void)sts_error_summary(doc);

  if (auto c = parse_credentials_json(doc)) {
    LOGSHIP_FUZZ_CHECK(!c->access_key_id.empty() && !c->secret_access_key.empty());
  }
  return 0;
}
