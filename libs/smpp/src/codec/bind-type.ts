/** The three ways to bind (4.1): send only, receive only, or both over one connection. */
export type BindType = 'receiver' | 'transmitter' | 'transceiver';

export type BindCommand = `bind_${BindType}`;

export function bindCommandFor(bindType: BindType): BindCommand {
  return `bind_${bindType}`;
}

/** The bind type of a bind_* command name, or undefined for any other command. */
export function bindTypeOf(command: string): BindType | undefined {
  switch (command) {
    case 'bind_receiver':
      return 'receiver';
    case 'bind_transmitter':
      return 'transmitter';
    case 'bind_transceiver':
      return 'transceiver';
    default:
      return undefined;
  }
}
