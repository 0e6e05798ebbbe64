import { SimpleGrid, TextInput } from "@mantine/core";

/** A user's first and last name side by side, then their email: the invite and edit forms share them. */
export function NameAndEmailFields(props: {
  firstName: string;
  lastName: string;
  email: string;
  onFirstName: (value: string) => void;
  onLastName: (value: string) => void;
  onEmail: (value: string) => void;
  emailError?: string | null | undefined;
}) {
  return (
    <>
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        <TextInput
          label="First name"
          value={props.firstName}
          maxLength={100}
          onChange={(e) => props.onFirstName(e.currentTarget.value)}
          data-autofocus
        />
        <TextInput
          label="Last name"
          value={props.lastName}
          maxLength={100}
          onChange={(e) => props.onLastName(e.currentTarget.value)}
        />
      </SimpleGrid>
      <TextInput
        label="Email"
        type="email"
        required
        value={props.email}
        maxLength={254}
        onChange={(e) => props.onEmail(e.currentTarget.value)}
        error={props.emailError}
      />
    </>
  );
}
