#include "kubernetes/pod_log_path.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

TEST(PodLogPath, ContainersDirectoryName) {
  const auto p =
      parse_pod_log_path("/var/log/containers/fence-deployment-5b9c6d7f8-abcde_default_fence-"
                         "fe4df04df139ec0a6e94bdba9891b6951c3ddaaf68c352f79631409b4756f9e3.log");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->pod_name, "fence-deployment-5b9c6d7f8-abcde");
  EXPECT_EQ(p->namespace_name, "default");
  EXPECT_EQ(p->container_name, "fence");
  EXPECT_EQ(p->container_id, "fe4df04df139ec0a6e94bdba9891b6951c3ddaaf68c352f79631409b4756f9e3");
}

TEST(PodLogPath, ContainerNamesWithDashes) {
  const auto p = parse_pod_log_path("/x/aws-node-8kq2m_kube-system_aws-vpc-cni-init-" +
                                    std::string(64, 'a') + ".log");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->pod_name, "aws-node-8kq2m");
  EXPECT_EQ(p->namespace_name, "kube-system");
  EXPECT_EQ(p->container_name, "aws-vpc-cni-init");
}

TEST(PodLogPath, PodsDirectoryLayout) {
  const auto p = parse_pod_log_path(
      "/var/log/pods/default_fence-deployment-5b9c6d7f8-abcde_0f1e2d3c-aaaa-bbbb-cccc-123456789abc/"
      "fence/0.log");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->pod_name, "fence-deployment-5b9c6d7f8-abcde");
  EXPECT_EQ(p->namespace_name, "default");
  EXPECT_EQ(p->container_name, "fence");
  EXPECT_EQ(p->container_id, "");
}

TEST(PodLogPath, OtherNamesCarryNoMetadata) {
  EXPECT_FALSE(parse_pod_log_path("/var/log/messages"));
  EXPECT_FALSE(parse_pod_log_path("/tmp/app.log"));
  EXPECT_FALSE(parse_pod_log_path("/tmp/a_b_c-notanid.log"));
}

} // namespace
} // namespace logship
