import 'reflect-metadata';
import { hello } from '@parchee/privacy';
process.stdout.write(hello('x') + '\n');
