import { Alert, Badge, Group, Text } from "@mantine/core";
import type { Explanation } from "../api.ts";
import classes from "./AccessPath.module.css";
import { type AccessNode, buildAccessTree } from "./access-tree.ts";

const KIND_LABEL = { user: "User", group: "Group", grant: "Gives" } as const;

function Branch({ node }: { node: AccessNode }) {
  return (
    <li>
      <div className={`${classes.node} ${classes[node.kind]}`}>
        <span className={classes.kind}>{KIND_LABEL[node.kind]}</span>
        <Text size="sm" fw={500}>
          {node.label}
        </Text>
        {node.detail && (
          <Text size="xs" c="dimmed">
            {node.detail}
          </Text>
        )}
        {node.capabilities && node.capabilities.length > 0 && (
          <Group gap={4}>
            {node.capabilities.map((c) => (
              <Badge key={c} size="xs" variant="outline" color="green" tt="none">
                {c}
              </Badge>
            ))}
          </Group>
        )}
      </div>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <Branch key={child.key} node={child} />
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * Why a user has what they have on a resource, drawn as a tree: the user at
 * the root, the groups they reach it through as branches (shared prefixes
 * merged), and each contributing rule, or the organization role, as a leaf.
 * Read from `GET /access/explain`, whose paths are the shortest ones.
 */
export function AccessPath({
  userLabel,
  resourceName,
  explanation,
}: {
  userLabel: string;
  resourceName: string;
  explanation: Explanation;
}) {
  if (explanation.contributions.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nothing gives {userLabel} access to {resourceName}.
      </Text>
    );
  }
  const tree = buildAccessTree(userLabel, explanation);
  return (
    <div>
      <ul className={classes.tree} aria-label={`Why ${userLabel} has access to ${resourceName}`}>
        <Branch node={tree} />
      </ul>
      {explanation.truncated && (
        <Alert color="gray" mt="xs" variant="light">
          More rules contribute; the closest ones are shown.
        </Alert>
      )}
    </div>
  );
}
