export { EXAMPLE_VOTER } from './example-voter';
